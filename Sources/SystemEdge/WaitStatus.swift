// WaitStatus.swift: what waitpid reports about a child, decoded once.
import CRunasLibc

public enum WaitStatus: Equatable, Sendable {
    case exited(Int32)
    case signaled(Int32, coreDumped: Bool)
    case stopped(Int32)
    /// Anything else (continued: only with WCONTINUED, which runas never asks for).
    case other(Int32)

    public init(_ status: Int32) {
        if libc_wifexited(status) != 0 {
            self = .exited(libc_wexitstatus(status))
        } else if libc_wifsignaled(status) != 0 {
            self = .signaled(libc_wtermsig(status), coreDumped: libc_wcoredump(status) != 0)
        } else if libc_wifstopped(status) != 0 {
            self = .stopped(libc_wstopsig(status))
        } else {
            self = .other(status)
        }
    }

    /// waitpid(pid, flags), retried on EINTR.
    public static func wait(for pid: pid_t, flags: Int32 = 0) throws(Errno) -> WaitStatus {
        var status: Int32 = 0
        _ = try retryingOnInterrupt { waitpid(pid, &status, flags) }
        return WaitStatus(status)
    }
}
