// ExecFailurePipe.swift: the pipe through which a child that runas forks
// to exec something (scopex's command, a service manager's client) tells
// runas it could not become its program. It is close-on-exec: when execve
// succeeds the write end closes and runas reads nothing; otherwise the
// child (runas_spawn_fork, in C) writes one {step, errno} report and exits.
import CRunasLibc
import CRunasSpawn

public struct ExecFailurePipe {
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

    /// In the parent: closes the write end, then reads the report; nil
    /// when the child's execve succeeded (or it died without a word).
    /// Closes the read end.
    public func receive() -> runas_spawn_report? {
        _ = close(writeEnd)
        var report = runas_spawn_report()
        return runas_spawn_report_receive(readEnd, &report) != 0 ? report : nil
    }

    /// When there is no child after all (fork failed).
    public func closeBoth() {
        _ = close(readEnd)
        _ = close(writeEnd)
    }
}
