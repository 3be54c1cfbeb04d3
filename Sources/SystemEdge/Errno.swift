// Errno.swift: a libc error, captured right at the call that failed, and
// the one place where calls interrupted by a signal (EINTR) are retried.
// Shaped after swift-system's Errno, as local code (the setuid core takes
// no third-party packages).
import CRunasLibc

public struct Errno: Error, Equatable, Sendable {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// errno as it is now: only meaningful right after a call that failed.
    public static var current: Errno { Errno(rawValue: libc_errno()) }

    public static var noSuchFile: Errno { Errno(rawValue: ENOENT) }
    public static var interrupted: Errno { Errno(rawValue: EINTR) }
    public static var wouldBlock: Errno { Errno(rawValue: EAGAIN) }
    public static var exists: Errno { Errno(rawValue: EEXIST) }

    /// strerror's text ("No such file or directory").
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 128)
        buffer.withUnsafeMutableBufferPointer { libc_describe_errno(rawValue, $0.baseAddress, $0.count) }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Runs a libc call that returns -1 and sets errno when it fails, again for
/// as long as it fails with EINTR. Returns its result, or throws the errno
/// of the failure, read before anything else can change it.
@inline(__always)
public func retryingOnInterrupt<R: SignedInteger>(_ call: () -> R) throws(Errno) -> R {
    while true {
        let result = call()
        if result != -1 { return result }
        let error = Errno.current
        if error != .interrupted { throw error }
    }
}

/// A libc call that must not be repeated after EINTR (close, and calls
/// whose caller decides what an interruption means): its result, or the
/// errno of the failure.
@inline(__always)
public func valueOrErrno<R: SignedInteger>(_ call: () -> R) throws(Errno) -> R {
    let result = call()
    if result == -1 { throw Errno.current }
    return result
}
