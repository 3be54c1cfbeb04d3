// Policy.swift: runas's whole policy, in one place. Root and the members of
// the group wheel (by the group database) may run any command as any user;
// nobody else may run anything. There is no policy file. `run`, `-l` and
// `--check` all ask this file; the target user and group are resolved here
// too (unknown names and unassigned ids are refused before any prompt).
import SystemEdge

public enum Policy {
    /// Why a caller may, or may not, use runas.
    public enum Standing: Equatable {
        case root
        case wheelMember
        case notInWheel
        case noWheelGroup

        public var admitted: Bool { self == .root || self == .wheelMember }

        /// The reason -l gives ("root", "a member of the group wheel").
        public var reason: String {
            switch self {
            case .root: "root"
            case .wheelMember: "a member of the group wheel"
            case .notInWheel: "not a member of the group wheel"
            case .noWheelGroup: "there is no group wheel"
            }
        }
    }

    public static func standing(of caller: Account) -> Standing {
        if caller.uid == 0 { return .root }
        guard let wheel = Accounts.group(named: "wheel") else { return .noWheelGroup }
        return Accounts.isMember(caller, of: wheel) ? .wheelMember : .notInWheel
    }

    /// Refuses (and logs) a caller the policy does not admit.
    static func requireAdmitted(_ caller: Account) throws(Failure) {
        switch standing(of: caller) {
        case .root, .wheelMember: return
        case .noWheelGroup:
            throw Failure("there is no group wheel, so only root may use runas", log: "no group wheel")
        case .notInWheel:
            throw Failure("\(caller.name) is not in the wheel group", log: "user NOT in wheel")
        }
    }

    /// -u (default root; the caller with -g alone, as sudo does) and -g
    /// (default the target's primary group).
    static func resolveTarget(_ o: Options, caller: Account) throws(Failure) -> (Account, GroupEntry) {
        let target: Account
        if let u = o.user {
            guard let a = Accounts.resolveUser(try IdSpec.parse(u, what: "user")) else {
                throw Failure("unknown user: \(visible(u))")
            }
            target = a
        } else if o.group != nil {
            target = caller
        } else {
            guard let root = Accounts.user(uid: 0) else { throw Failure("unknown user: root") }
            target = root
        }
        let group: GroupEntry
        if let g = o.group {
            guard let entry = Accounts.resolveGroup(try IdSpec.parse(g, what: "group")) else {
                throw Failure("unknown group: \(visible(g))")
            }
            group = entry
        } else {
            group = Accounts.group(gid: target.gid)
                ?? GroupEntry(name: String(target.gid), gid: target.gid, members: [])
        }
        return (target, group)
    }
}
