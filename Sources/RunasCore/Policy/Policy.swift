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

    /// The account a command runs as, its group, and the ids it gets.
    struct Target: Equatable {
        var account: Account
        var group: GroupEntry
        var credentials: Identity
    }

    /// -u (default root; the caller with -g alone, as sudo does), -g
    /// (default the target's primary group) and -P (the caller's own
    /// supplementary groups, `callerGroups`), looked up in `database`.
    static func resolveTarget<Database: AccountDatabase>(
        _ o: Options, caller: Account, callerGroups: [UInt32], in database: Database.Type
    ) throws(Failure) -> Target {
        let target: Account
        if let u = o.user {
            guard let a = database.resolveUser(try IdSpec.parse(u, what: "user")) else {
                throw Failure("unknown user: \(visible(u))")
            }
            target = a
        } else if o.group != nil {
            target = caller
        } else {
            guard let root = database.user(uid: 0) else { throw Failure("unknown user: root") }
            target = root
        }
        let group: GroupEntry
        if let g = o.group {
            guard let entry = database.resolveGroup(try IdSpec.parse(g, what: "group")) else {
                throw Failure("unknown group: \(visible(g))")
            }
            group = entry
        } else {
            group = database.group(gid: target.gid)
                ?? GroupEntry(name: String(target.gid), gid: target.gid, members: [])
        }
        let credentials = Identity.forCommand(
            account: target, gid: group.gid, accountGroups: o.preserveGroups ? [] : database.groups(of: target),
            preserveGroups: o.preserveGroups, callerGroups: callerGroups)
        return Target(account: target, group: group, credentials: credentials)
    }
}
