// Descriptors.swift: the descriptors runas is started with. 0, 1 and 2 are
// made sure to be open before anything else is; -C N's descriptors from 3
// to N-1 are noted before runas opens any of its own.
import CRunasLibc
import SystemEdge

enum Descriptors {
    /// Descriptors 0, 1 and 2 are open before anything else is, so no file
    /// runas opens can become someone's stdin, stdout or stderr. false:
    /// /dev/null could not be opened for one (runas exits 1, saying nothing).
    static func ensureStandard() -> Bool {
        for fd: Int32 in [0, 1, 2] where libc_fcntl(fd, F_GETFD, 0) < 0 {
            let opened = libc_open("/dev/null", O_RDWR, 0)
            if opened < 0 { return false }
            if opened != fd { dup2(opened, fd); close(opened) }
        }
        return true
    }

    /// -C N: the descriptors from 3 to N-1 that are open, up to the soft
    /// descriptor limit (one inherited above a lowered limit is closed, as
    /// without -C).
    static func inherited(below n: Int32) -> [Int32] {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        let top = Int32(min(UInt64(n), UInt64(limit.rlim_cur)))
        return top <= 3 ? [] : (3..<top).filter { libc_fcntl($0, F_GETFD, 0) >= 0 }
    }
}
