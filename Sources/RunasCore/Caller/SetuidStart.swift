// SetuidStart.swift: whether this process really is the machine's root,
// and if not, why. A setuid start can give no root in three ways the
// kernel does not report: no_new_privs (set by a sandbox or a container
// runtime), a file system mounted nosuid, and a user namespace, where a
// caller may be "root" of its own and the setuid bit is ignored. In the
// last case runas would see uid 0 and euid 0, take its caller for root and
// log "root : ...": so it is refused by name, as sudo-rs does, and so are
// the other two, instead of the generic "must be setuid" message.
import CRunasLibc
import SystemEdge

enum SetuidStart {
    /// nil when this process is root of the initial user namespace.
    static func problem() -> Failure? {
        if geteuid() != 0 {
            if libc_no_new_privs() == 1 {
                return Failure("runas cannot become root: this process has no_new_privs set, "
                    + "so the kernel ignored runas's setuid bit")
            }
            var fs = statvfs()
            if statvfs("/proc/self/exe", &fs) == 0 && fs.f_flag & libc_st_nosuid != 0 {
                return Failure("runas cannot become root: its file system is mounted nosuid, "
                    + "so the kernel ignored its setuid bit")
            }
            return Failure("runas must be owned by root and have the setuid bit")
        }
        guard let map = try? FileDescriptor.open("/proc/self/uid_map", O_RDONLY).readAll(limit: 4096) else {
            return Failure("cannot read /proc/self/uid_map: runas needs /proc to know it is really root")
        }
        if !isInitialUserNamespace(uidMap: map) {
            return Failure("runas is not really root here: it runs in a user namespace, "
                + "where its setuid bit gives no root")
        }
        return nil
    }

    /// The initial user namespace maps every id to itself, in one line:
    /// "0 0 4294967295" (with padding).
    static func isInitialUserNamespace(uidMap: [UInt8]) -> Bool {
        let words = uidMap.split(whereSeparator: { $0 == 0x20 || $0 == 0x0a || $0 == 0x09 }).map { Array($0) }
        return words == [Array("0".utf8), Array("0".utf8), Array("4294967295".utf8)]
    }
}
