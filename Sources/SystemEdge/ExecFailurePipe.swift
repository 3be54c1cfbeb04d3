// ExecFailurePipe.swift: how a forked child tells its parent that it could
// not become its program. The pipe is close-on-exec: when execve succeeds
// the write end closes and the parent reads nothing; otherwise the child
// writes one 8-byte report (which step failed, and errno) and exits. Used by
// every child runas forks to exec something (scopex's command, a service
// manager's client); the core's askpass spawn is C and does the same.
import CRunasLibc

public struct ExecFailurePipe {
    public struct Report: Equatable {
        public var step: Int32
        public var errno: Int32
        public init(step: Int32, errno: Int32) {
            self.step = step
            self.errno = errno
        }
    }

    public let readEnd: Int32
    public let writeEnd: Int32

    public static func make() throws(Errno) -> ExecFailurePipe {
        var fds: (Int32, Int32) = (-1, -1)
        _ = try withUnsafeMutableBytes(of: &fds) { raw in
            Result { () throws(Errno) -> Int32 in
                try valueOrErrno { pipe2(raw.baseAddress!.assumingMemoryBound(to: Int32.self), O_CLOEXEC) }
            }
        }.get()
        return ExecFailurePipe(readEnd: fds.0, writeEnd: fds.1)
    }

    /// In the child, right after fork.
    public func enterChild() { _ = close(readEnd) }

    /// In the child: one write, no allocation (safe after fork).
    public func send(_ report: Report) {
        var report = report
        _ = withUnsafeBytes(of: &report) { write(writeEnd, $0.baseAddress, $0.count) }
    }

    /// In the parent: closes the write end, then reads the report; nil
    /// when the child's execve succeeded (or it died without a word).
    /// Closes the read end.
    public func receive() -> Report? {
        _ = close(writeEnd)
        var report = Report(step: 0, errno: 0)
        let size = MemoryLayout<Report>.size
        var got = 0
        while got < size {
            let n = withUnsafeMutableBytes(of: &report) { raw in
                Result { () throws(Errno) -> Int in
                    try retryingOnInterrupt { read(readEnd, raw.baseAddress! + got, size - got) }
                }
            }
            guard case .success(let count) = n, count > 0 else { break }
            got += count
        }
        _ = close(readEnd)
        return got == size ? report : nil
    }

    /// When there is no child after all (fork failed).
    public func closeBoth() {
        _ = close(readEnd)
        _ = close(writeEnd)
    }
}
