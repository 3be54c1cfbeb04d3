// PasswordRuleTests.swift: whether a run needs a password, over the whole
// option space it depends on: -u x -g x {none, -P, -b, -P -b, -s, -i, -E}
// x a backend that keeps the command in the caller's session or not x the
// caller (a wheel member, root). Each case goes the way a run goes: argv
// through OptionParser, -u/-g/-P through Policy.resolveTarget (against the
// table below, not the machine's files), then PasswordRule. A run that
// needs no password must give nothing the caller does not already hold;
// and which runs need none is predicted independently (`gainsNothing`), so
// a rule that starts asking for harmless runs fails here too.
import Testing
@testable import RunasCore

/// The accounts of the cases: alice is in wheel and users; alice-ops
/// shares her uid but has the group proj; carol is someone else.
private enum Table: AccountDatabase {
    static let users = [
        Account(name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/sh"),
        Account(name: "alice", uid: 2001, gid: 2001, home: "/home/alice", shell: "/bin/sh"),
        Account(name: "alice-ops", uid: 2001, gid: 2001, home: "/home/alice", shell: "/bin/sh"),
        Account(name: "carol", uid: 2003, gid: 2003, home: "/home/carol", shell: "/bin/sh"),
    ]
    static let groups = [
        GroupEntry(name: "root", gid: 0, members: []),
        GroupEntry(name: "disk", gid: 6, members: []),
        GroupEntry(name: "wheel", gid: 10, members: ["alice"]),
        GroupEntry(name: "users", gid: 100, members: ["alice", "carol"]),
        GroupEntry(name: "alice", gid: 2001, members: []),
        GroupEntry(name: "carol", gid: 2003, members: []),
        GroupEntry(name: "proj", gid: 3000, members: ["alice-ops"]),
    ]
    static func user(uid: UInt32) -> Account? { users.first { $0.uid == uid } }
    static func user(named name: String) -> Account? { users.first { $0.name == name } }
    static func group(gid: UInt32) -> GroupEntry? { groups.first { $0.gid == gid } }
    static func group(named name: String) -> GroupEntry? { groups.first { $0.name == name } }
    static func groups(of account: Account) -> [UInt32] {
        [account.gid] + groups.filter { $0.members.contains(account.name) && $0.gid != account.gid }.map(\.gid)
    }
}

/// What alice's process holds: her real gid and her groups.
private let aliceGroups: [UInt32] = [2001, 10, 100]
private let aliceHeld: [UInt32] = [2001] + aliceGroups

struct PasswordCase: Sendable, CustomTestStringConvertible {
    var user: String?
    var group: String?
    var mode: [String]
    var staysWithCaller: Bool
    var callerIsRoot: Bool

    static let users: [String?] = [nil, "alice", "#2001", "alice-ops", "carol", "root", "#0"]
    static let groups: [String?] = [nil, "alice", "#2001", "users", "proj", "#0", "disk"]
    static let modes: [[String]] = [[], ["-P"], ["-b"], ["-P", "-b"], ["-s"], ["-i"], ["-E"]]

    static let all: [PasswordCase] = users.flatMap { u in
        groups.flatMap { g in
            modes.flatMap { m in
                [true, false].flatMap { stays in
                    [false, true].map { root in
                        PasswordCase(user: u, group: g, mode: m, staysWithCaller: stays, callerIsRoot: root)
                    }
                }
            }
        }
    }

    var words: [String] {
        ["-n"] + mode + (user.map { ["-u", $0] } ?? []) + (group.map { ["-g", $0] } ?? []) + ["id"]
    }

    var testDescription: String {
        "\(callerIsRoot ? "root" : "alice"): runas \(words.joined(separator: " "))"
            + (staysWithCaller ? "" : " (through a service manager)")
    }

    /// The oracle, written from the rule's promise and not from its code:
    /// nothing is gained when root calls, or when the command stays alice's
    /// own child, runs as her own entry (-g alone means herself), and its
    /// primary gid is one she holds (its other groups are then her own
    /// database groups, or with -P the ones she holds).
    var gainsNothing: Bool {
        if callerIsRoot { return true }
        guard staysWithCaller else { return false }
        let target = user ?? (group != nil ? "alice" : "root")
        guard target == "alice" || target == "#2001" else { return false }
        let gid: UInt32 = switch group {
        case nil, "alice", "#2001": 2001
        case "users": 100
        case "proj": 3000
        case "disk": 6
        default: 0
        }
        return aliceHeld.contains(gid)
    }
}

@Suite struct PasswordRuleTests {
    static let alice = Table.user(named: "alice")!
    static let root = Table.user(uid: 0)!

    @Test(arguments: PasswordCase.all)
    func nothingIsGainedWithoutAPassword(_ c: PasswordCase) throws {
        let options = try OptionParser.parse(c.words.map { Array($0.utf8) })
        let caller = c.callerIsRoot ? Self.root : Self.alice
        let groups: [UInt32] = c.callerIsRoot ? [0] : aliceGroups
        let held: [UInt32] = c.callerIsRoot ? [0, 0] : aliceHeld
        let target = try Policy.resolveTarget(options, caller: caller, callerGroups: groups, in: Table.self)
        let needed = PasswordRule.needsPassword(command: target.credentials, account: target.account.name,
                                                caller: caller, held: held, staysWithCaller: c.staysWithCaller)
        #expect(needed == !c.gainsNothing)
        if !needed && !c.callerIsRoot {
            #expect(target.credentials.uid == caller.uid && target.account.name == caller.name)
            #expect(held.contains(target.credentials.gid))
            #expect(target.credentials.groups.allSatisfy { held.contains($0) })
        }
    }

    @Test func theCaseSpaceIsWhole() {
        #expect(PasswordCase.all.count == 7 * 7 * 7 * 2 * 2)
        // Some runs of each kind, so neither half of the check above is idle.
        #expect(PasswordCase.all.filter { $0.gainsNothing && !$0.callerIsRoot }.count == 77)
    }

    /// The hole of issue 23: under -P the command's groups were the
    /// caller's, and the -g gid was judged by that list without itself.
    @Test func preservedGroupsStillJudgeThePrimaryGroup() throws {
        for (group, asks) in [("#0", true), ("disk", true), ("proj", true), ("users", false), ("alice", false)] {
            let options = try OptionParser.parse(["-P", "-g", group, "id"].map { Array($0.utf8) })
            let target = try Policy.resolveTarget(options, caller: Self.alice, callerGroups: aliceGroups, in: Table.self)
            #expect(target.credentials.groups == aliceGroups)
            #expect(PasswordRule.needsPassword(command: target.credentials, account: target.account.name,
                                               caller: Self.alice, held: aliceHeld, staysWithCaller: true) == asks,
                    "runas -P -g \(group)")
        }
    }

    @Test func withoutPreserveTheGroupsAreTheTargetsWithTheGroupFirst() throws {
        let options = try OptionParser.parse(["-u", "alice-ops", "-g", "users", "id"].map { Array($0.utf8) })
        let target = try Policy.resolveTarget(options, caller: Self.alice, callerGroups: aliceGroups, in: Table.self)
        #expect(target.credentials == Identity(uid: 2001, gid: 100, groups: [100, 2001, 3000]))
    }
}
