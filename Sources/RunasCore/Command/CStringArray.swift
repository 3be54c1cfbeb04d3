// CStringArray.swift: the argv and envp of a program runas starts (the
// askpass helper, -e's editor, --check's probes): C copies of byte
// strings, NULL-terminated, freed with the array.

/// A NULL-terminated char* list that owns copies of its strings.
final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let count: Int

    init(_ words: [[UInt8]]) {
        count = words.count
        pointers = .allocate(capacity: words.count + 1)
        for (i, word) in words.enumerated() {
            let p = UnsafeMutablePointer<CChar>.allocate(capacity: word.count + 1)
            for (j, b) in word.enumerated() { p[j] = CChar(bitPattern: b) }
            p[word.count] = 0
            pointers[i] = p
        }
        pointers[words.count] = nil
    }

    deinit {
        for i in 0..<count { pointers[i]?.deallocate() }
        pointers.deallocate()
    }
}
