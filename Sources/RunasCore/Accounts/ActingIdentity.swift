// ActingIdentity.swift: doing file work with someone's rights instead of
// root's. For the length of a body the effective uid, effective gid and
// supplementary groups become that account's (so the kernel checks every
// open, lookup and write as it would for them: ACLs, read-only mounts and
// all), while the real uid stays the caller's and the saved uid root, to
// come back. -l looks a command up with the caller's rights; -e reads and
// writes the files with the target's, and makes the copies with the
// caller's. If a switch fails, nothing is done with root's rights instead:
// the body does not run (and failing to come back ends runas).
import CRunasLibc
import SystemEdge

enum ActingIdentity {
    /// Runs `body` with `who`'s effective ids and groups, then restores
    /// root and the groups the process had.
    static func acting<T>(as who: Identity, _ body: () throws(Failure) -> T) throws(Failure) -> T {
        let before = Identity.caller()
        let egid = getegid()
        func restore() {
            if seteuid(0) != 0 || setegid(egid) != 0 || setgroups(before.groups.count, before.groups) != 0 {
                printError("cannot take back root's ids after acting as uid \(who.uid)")
                exit(1)
            }
        }
        guard setgroups(who.groups.count, who.groups) == 0, setegid(who.gid) == 0, seteuid(who.uid) == 0 else {
            let error = Errno.current
            restore()
            throw Failure("cannot take on the ids of uid \(who.uid) (\(error.description))")
        }
        defer { restore() }
        return try body()
    }
}
