// FuzzLogLine.swift: the log line (SystemLog) and the escaping behind every
// message (visible, runas_visible.c), on bytes the caller chooses: the
// command, the working directory, -u, VAR=VALUE.
// Invariants: no crash; the escaped text holds no C0/C1 control, DEL or
// bidirectional override, and is well-formed UTF-8; well-formed UTF-8
// without controls comes back unchanged; every record fits the limit, the
// ones after the first say "(command continued)", and together they are
// the whole line (each split drops at most the one space it was made at);
// the journal entry (JournalEntry) reads back, as journald parses it, as
// exactly the fields it was made of, whatever bytes the values hold.
import FuzzKit
@testable import RunasCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = bytes(data, size)
    let shown = visible(input)
    for scalar in shown.unicodeScalars {
        let v = scalar.value
        require(v >= 0x20 && !(0x7f...0x9f).contains(v), "a control character survived")
        require(!(0x202a...0x202e).contains(v) && !(0x2066...0x2069).contains(v), "a bidi override survived")
    }
    if let text = String(validating: input, as: UTF8.self),
       text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && !(0x7f...0x9f).contains($0.value)
           && !(0x202a...0x202e).contains($0.value) && !(0x2066...0x2069).contains($0.value) }) {
        require(shown == text, "plain text changed")
    }

    let parts = words(input)
    let subject = LogSubject(user: "alice", tty: nil, cwd: parts.first ?? [], target: "root",
                             environment: parts.count > 2 ? parts[2] : nil,
                             command: parts.count > 1 ? parts[1] : input)
    let line = visible(SystemLog.line(subject, reason: "fuzz"))
    let records = SystemLog.records(line, user: "alice")
    let continued = "alice : (command continued) "
    require(records.allSatisfy { $0.utf8.count <= SystemLog.maximumLength }, "a record over the limit")
    // (In bytes: a continuation that starts with a combining mark makes one
    // Character of the prefix's last space and that mark, so String's
    // hasPrefix would say no. Found by this fuzzer, seed combining-after-split.)
    require(records.dropFirst().allSatisfy { Array($0.utf8).starts(with: Array(continued.utf8)) },
            "a continuation without its prefix")
    let pieces = [Array(records[0].utf8)] + records.dropFirst().map { Array($0.utf8.dropFirst(continued.utf8.count)) }
    require(rebuilds(Array(line.utf8), from: pieces[...]), "the records are not the whole line")

    let fields = JournalEntry.fields(subject, priority: 81, result: .refused, reason: "fuzz", message: line, pid: 1)
        + [(key: "RAW", value: input)]
    let decoded = journalFields(JournalEntry.encode(fields))
    require(decoded?.count == fields.count
            && zip(decoded!, fields).allSatisfy { read, made in read.0 == Array(made.key.utf8) && read.1 == made.value },
            "the journal entry does not read back as its fields")
    return 0
}

/// A native-protocol datagram split as journald splits it ("KEY=value\n",
/// or "KEY\n" + 64-bit little-endian length + bytes + "\n"); nil if malformed.
func journalFields(_ data: [UInt8]) -> [([UInt8], [UInt8])]? {
    var fields: [([UInt8], [UInt8])] = []
    var i = 0
    while i < data.count {
        guard let end = data[i...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let line = Array(data[i..<end])
        if let eq = line.firstIndex(of: UInt8(ascii: "=")) {
            fields.append((Array(line[..<eq]), Array(line[(eq + 1)...])))
            i = end + 1
            continue
        }
        guard data.count - (end + 1) >= 8 else { return nil }
        var length = 0
        for k in 0..<8 { length |= Int(data[end + 1 + k]) << (8 * k) }
        let start = end + 9
        guard length >= 0, data.count - start > length, data[start + length] == UInt8(ascii: "\n") else { return nil }
        fields.append((line, Array(data[start..<(start + length)])))
        i = start + length + 1
    }
    return fields
}

/// Whether `line` is the pieces joined, each join "" or one space.
func rebuilds(_ line: [UInt8], from pieces: ArraySlice<[UInt8]>, at start: Int = 0) -> Bool {
    guard let piece = pieces.first else { return start == line.count }
    guard line.count - start >= piece.count, Array(line[start..<(start + piece.count)]) == piece else { return false }
    let end = start + piece.count
    let rest = pieces.dropFirst()
    if rest.isEmpty { return end == line.count }
    if rebuilds(line, from: rest, at: end) { return true }
    return end < line.count && line[end] == UInt8(ascii: " ") && rebuilds(line, from: rest, at: end + 1)
}
