// Identity.swift: a uid, a primary gid and the supplementary gids, as one
// value: what this process holds now (the caller's), and what a command
// will be given. The latter is worked out once, in step 4 (Policy), and
// then the password rule judges it, the backend installs it and -e acts
// with it: so what is judged is exactly what is given.
import CRunasLibc

struct Identity: Equatable {
    var uid: UInt32
    var gid: UInt32
    var groups: [UInt32]

    /// The caller as this process started: real ids, and the supplementary
    /// groups a setuid start leaves as they were.
    static func caller() -> Identity {
        Identity(uid: getuid(), gid: getgid(), groups: supplementaryGroups())
    }

    /// The gids the caller holds for good: the real gid and the
    /// supplementary groups. Not the effective gid: one borrowed from a
    /// setgid program (or a setgid bit on runas itself) would become the
    /// command's real, effective and saved gid.
    static func heldGroups() -> [UInt32] {
        [getgid()] + supplementaryGroups()
    }

    /// What a command run as `account` with primary group `gid` gets: its
    /// account's groups (the group database's, `accountGroups`) with `gid`
    /// first, or with -P the caller's supplementary groups as they are.
    /// Under -P the primary gid is still `gid`: a group of its own, which
    /// the caller's list need not hold.
    static func forCommand(
        account: Account, gid: UInt32, accountGroups: [UInt32], preserveGroups: Bool, callerGroups: [UInt32]
    ) -> Identity {
        Identity(uid: account.uid, gid: gid,
                 groups: preserveGroups ? callerGroups : [gid] + accountGroups.filter { $0 != gid })
    }

    static func supplementaryGroups() -> [UInt32] {
        let n = getgroups(0, nil)
        var list = [gid_t](repeating: 0, count: Int(max(n, 0)))
        let got = list.withUnsafeMutableBufferPointer { getgroups(n, $0.baseAddress) }
        return Array(list.prefix(Int(max(got, 0))))
    }
}
