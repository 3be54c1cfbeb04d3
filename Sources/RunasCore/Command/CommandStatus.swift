// CommandStatus.swift: runas's exit status once the command has run: the
// command's own, and a command killed by signal N makes runas die of N
// too, so the caller's shell sees 128+N.
import CRunasLibc
import SystemEdge

enum CommandStatus {
    /// The exit status for the command's wait status. If a signal killed
    /// it, runas dies of the same signal here (without a core file); 128+N
    /// is only for a signal that does not end a process.
    static func exitStatus(like status: Int32) -> Int32 {
        switch WaitStatus(status) {
        case .exited(let code): return code
        case .signaled(let signal, _):
            var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
            setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
            _ = libc_signal_default(signal)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, signal)
            sigprocmask(SIG_UNBLOCK, &set, nil)
            kill(getpid(), signal)
            return 128 + signal
        case .stopped, .other: return 1
        }
    }
}
