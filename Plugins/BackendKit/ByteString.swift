// ByteString.swift: building NUL-terminated C strings and argv/envp arrays
// out of raw bytes. Arguments, paths and environment values are not
// necessarily UTF-8, so they never pass through Swift's String.
import BackendPOSIX
import CRunasVisible

public struct ByteString {
    public var bytes: [UInt8] = []

    public init() {}
    public init(_ s: StaticString) { append(s) }

    public mutating func append(_ s: StaticString) {
        let p = s.utf8Start
        for i in 0..<s.utf8CodeUnitCount { bytes.append(p[i]) }
    }

    public mutating func append(cString: UnsafePointer<CChar>) {
        let raw = UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self)
        var i = 0
        while raw[i] != 0 { bytes.append(raw[i]); i += 1 }
    }

    /// The bytes of cString as runas shows text it did not write
    /// (runas_visible: control characters and non-UTF-8 bytes escaped).
    public mutating func append(visible cString: UnsafePointer<CChar>) {
        let length = strlen(cString)
        let out = UnsafeMutablePointer<CChar>.allocate(capacity: runas_visible_capacity(length))
        defer { out.deallocate() }
        let n = runas_visible(UnsafeRawPointer(cString).assumingMemoryBound(to: UInt8.self), length, out)
        let raw = UnsafeRawPointer(out).assumingMemoryBound(to: UInt8.self)
        for i in 0..<n { bytes.append(raw[i]) }
    }

    public mutating func append(decimal value: UInt32) {
        var digits: [UInt8] = []
        var v = value
        repeat { digits.append(UInt8(48 + v % 10)); v /= 10 } while v > 0
        bytes.append(contentsOf: digits.reversed())
    }

    /// A malloc'd NUL-terminated copy (never freed: it lives until exec or exit).
    public func cString() -> UnsafeMutablePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        for i in 0..<bytes.count { p[i] = CChar(bitPattern: bytes[i]) }
        p[bytes.count] = 0
        return p
    }
}

/// A NUL-terminated array of C strings, as execve wants for argv and envp.
public struct CStringList {
    public var items: [UnsafeMutablePointer<CChar>?] = []

    public init() {}

    public mutating func append(_ s: ByteString) { items.append(s.cString()) }
    public mutating func append(_ s: StaticString) { append(ByteString(s)) }
    public mutating func append(cString: UnsafePointer<CChar>) {
        var b = ByteString()
        b.append(cString: cString)
        append(b)
    }
    public mutating func append(prefix: StaticString, cString: UnsafePointer<CChar>) {
        var b = ByteString(prefix)
        b.append(cString: cString)
        append(b)
    }
    public mutating func append(prefix: StaticString, _ s: ByteString) {
        var b = ByteString(prefix)
        b.bytes.append(contentsOf: s.bytes)
        append(b)
    }
    public mutating func append(prefix: StaticString, decimal: UInt32) {
        var b = ByteString(prefix)
        b.append(decimal: decimal)
        append(b)
    }

    /// Frees every string: for a list used by a process that goes on
    /// (exec never returns; a backend that returns to the core must not
    /// leave its argv and envp behind).
    public func deallocateAll() {
        for p in items { p?.deallocate() }
    }

    /// The array with its terminating NULL (valid while `self` is alive).
    public func withTerminated<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var all = items
        all.append(nil)
        return all.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// Calls `body` for each string of a NULL-terminated C array (may be NULL).
public func forEachCString(
    _ list: UnsafePointer<UnsafePointer<CChar>?>?, _ body: (UnsafePointer<CChar>) -> Void
) {
    guard let list else { return }
    var i = 0
    while let s = list[i] { body(s); i += 1 }
}

/// Finds "NAME=..." in a NULL-terminated environment list.
public func findVariable(
    _ list: UnsafePointer<UnsafePointer<CChar>?>?, named name: StaticString
) -> UnsafePointer<CChar>? {
    var found: UnsafePointer<CChar>? = nil
    forEachCString(list) { entry in
        if found == nil && strncmp(entry, staticCString(name), name.utf8CodeUnitCount) == 0
            && entry[name.utf8CodeUnitCount] == 61 /* = */ {
            found = entry
        }
    }
    return found
}
