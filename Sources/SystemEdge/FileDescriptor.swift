// FileDescriptor.swift: an open file descriptor that closes itself. It
// cannot be copied, so exactly one owner closes it, on every path (a throw
// included), at the end of its scope or where it is consumed. Every open
// is close-on-exec.
import CRunasLibc

public struct FileDescriptor: ~Copyable {
    public let rawValue: Int32

    /// Takes ownership of an open descriptor.
    public init(owning rawValue: Int32) { self.rawValue = rawValue }

    deinit { _ = close(rawValue) }

    public static func open(
        _ path: String, _ flags: Int32, permissions: mode_t = 0
    ) throws(Errno) -> FileDescriptor {
        FileDescriptor(owning: try retryingOnInterrupt { libc_open(path, flags | O_CLOEXEC, permissions) })
    }

    /// `name` relative to the directory `directory`.
    public static func open(
        _ name: String, in directory: borrowing FileDescriptor, _ flags: Int32, permissions: mode_t = 0
    ) throws(Errno) -> FileDescriptor {
        let dir = directory.rawValue
        return FileDescriptor(owning: try retryingOnInterrupt { libc_openat(dir, name, flags | O_CLOEXEC, permissions) })
    }

    /// `name` relative to the directory `directory`, as bytes: a path's
    /// components are bytes, not text (sudo-rs's open_at).
    public static func open(
        _ name: [UInt8], in directory: borrowing FileDescriptor, _ flags: Int32, permissions: mode_t = 0
    ) throws(Errno) -> FileDescriptor {
        try openat(directory.rawValue, name, flags, permissions)
    }

    /// `path` as bytes, absolute or from the working directory.
    public static func open(_ path: [UInt8], _ flags: Int32, permissions: mode_t = 0) throws(Errno) -> FileDescriptor {
        try openat(AT_FDCWD, path, flags, permissions)
    }

    private static func openat(
        _ directory: Int32, _ name: [UInt8], _ flags: Int32, _ permissions: mode_t
    ) throws(Errno) -> FileDescriptor {
        let fd = (name + [0]).withUnsafeBufferPointer { cName in
            Result { () throws(Errno) -> Int32 in
                try retryingOnInterrupt {
                    libc_openat(directory, UnsafeRawPointer(cName.baseAddress!).assumingMemoryBound(to: CChar.self),
                                flags | O_CLOEXEC, permissions)
                }
            }
        }
        return FileDescriptor(owning: try fd.get())
    }

    public func status() throws(Errno) -> FileStatus {
        var st = stat()
        _ = try valueOrErrno { fstat(rawValue, &st) }
        return FileStatus(st)
    }

    /// fstatfs: what the file system this is on says of itself.
    public func fileSystemStatus() throws(Errno) -> statfs {
        var fs = statfs()
        _ = try valueOrErrno { fstatfs(rawValue, &fs) }
        return fs
    }

    /// The kernel's access check (faccessat) of this file itself for
    /// `mode` (W_OK, ...), by the real ids and this process's groups;
    /// throws the kernel's answer when it says no (Linux 5.8's faccessat2).
    public func checkAccess(_ mode: Int32) throws(Errno) {
        _ = try valueOrErrno { faccessat(rawValue, "", mode, AT_EMPTY_PATH) }
    }

    /// One read (short reads are the caller's business); 0 at end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64? = nil) throws(Errno) -> Int {
        try retryingOnInterrupt {
            if let offset { return pread(rawValue, buffer.baseAddress, buffer.count, off_t(offset)) }
            return CRunasLibc.read(rawValue, buffer.baseAddress, buffer.count)
        }
    }

    /// One read into `buffer` from its start (at `offset`: pread).
    public func read(into buffer: inout [UInt8], at offset: Int64? = nil) throws(Errno) -> Int {
        let result = buffer.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) -> Int in try read(into: raw, at: offset) }
        }
        return try result.get()
    }

    /// Everything up to end of file, or nil once it is more than `limit` bytes.
    public func readAll(limit: Int) throws(Errno) -> [UInt8]? {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = try read(into: &chunk)
            if n == 0 { return data }
            data += chunk[..<n]
            if data.count > limit { return nil }
        }
    }

    /// One write (or pwrite at `offset`); returns how much was written.
    public func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64? = nil) throws(Errno) -> Int {
        try retryingOnInterrupt {
            if let offset { return pwrite(rawValue, bytes.baseAddress, bytes.count, off_t(offset)) }
            return CRunasLibc.write(rawValue, bytes.baseAddress, bytes.count)
        }
    }

    public func write(_ bytes: [UInt8], at offset: Int64? = nil) throws(Errno) -> Int {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(Errno) -> Int in try write(raw, at: offset) }
        }
        return try result.get()
    }
}

/// Writes all of `bytes` to `fd`, through short writes and EINTR; stops
/// quietly at the first error (for messages on stderr: nowhere to report).
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { raw in
            Result { () throws(Errno) -> Int in
                try retryingOnInterrupt { CRunasLibc.write(fd, raw.baseAddress! + offset, raw.count - offset) }
            }
        }
        guard case .success(let written) = n, written > 0 else { return }
        offset += written
    }
}
