// Accounts.swift: read-only lookups in the user and group databases
// (through NSS, so /etc/passwd and /etc/group on a plain system).
import CRunasLibc
import SystemEdge

public struct Account: Equatable, Sendable {
    public var name: String
    public var uid: UInt32
    public var gid: UInt32
    public var home: String
    public var shell: String
}

public struct GroupEntry: Equatable, Sendable {
    public var name: String
    public var gid: UInt32
    public var members: [String]
}

/// The user and group databases as runas reads them: the system's
/// (`Accounts`, through NSS), or a table of a unit test's own, so the rules
/// that turn -u and -g into ids can be tested over every option without
/// touching the machine's files.
public protocol AccountDatabase {
    static func user(uid: UInt32) -> Account?
    static func user(named name: String) -> Account?
    static func group(gid: UInt32) -> GroupEntry?
    static func group(named name: String) -> GroupEntry?
    /// The groups `account` belongs to, primary group first.
    static func groups(of account: Account) -> [UInt32]
}

extension AccountDatabase {
    /// -u: a name is looked up as a name; a name made only of digits that
    /// is nobody's name is then tried as a uid (doas's rule); "#N" and such
    /// a number must be an assigned uid.
    public static func resolveUser(_ spec: IdSpec) -> Account? {
        switch spec {
        case .name(let n): user(named: n) ?? IdSpec.plainNumber(n).flatMap { user(uid: $0) }
        case .id(let id): user(uid: id)
        }
    }

    public static func resolveGroup(_ spec: IdSpec) -> GroupEntry? {
        switch spec {
        case .name(let n): group(named: n) ?? IdSpec.plainNumber(n).flatMap { group(gid: $0) }
        case .id(let id): group(gid: id)
        }
    }
}

extension Accounts: AccountDatabase {}

public enum Accounts {
    public static func user(uid: UInt32) -> Account? {
        lookup { pw, buf, size, result in getpwuid_r(uid, pw, buf, size, result) }
    }

    public static func user(named name: String) -> Account? {
        lookup { pw, buf, size, result in getpwnam_r(name, pw, buf, size, result) }
    }

    public static func group(gid: UInt32) -> GroupEntry? {
        lookupGroup { gr, buf, size, result in getgrgid_r(gid, gr, buf, size, result) }
    }

    public static func group(named name: String) -> GroupEntry? {
        lookupGroup { gr, buf, size, result in getgrnam_r(name, gr, buf, size, result) }
    }

    /// The groups `account` belongs to in the group database, primary
    /// group first (getgrouplist).
    public static func groups(of account: Account) -> [UInt32] {
        var count: Int32 = 32
        while true {
            var list = [gid_t](repeating: 0, count: Int(count))
            let got = getgrouplist(account.name, account.gid, &list, &count)
            if got >= 0 { return Array(list.prefix(Int(count))) }
            if count > 65536 { return [account.gid] }
            count = max(count, 64) * 2
        }
    }

    /// Membership as the group database says: primary group, or listed as
    /// a member. (The caller's current process groups are not trusted to
    /// grant anything: a removed member's old login session still has them.)
    public static func isMember(_ account: Account, of group: GroupEntry) -> Bool {
        account.gid == group.gid || group.members.contains(account.name)
    }

    private static func lookup(
        _ call: (UnsafeMutablePointer<passwd>, UnsafeMutablePointer<CChar>, Int,
                 UnsafeMutablePointer<UnsafeMutablePointer<passwd>?>) -> Int32
    ) -> Account? {
        var size = 4096
        while size <= 1 << 20 {
            var pw = passwd()
            var result: UnsafeMutablePointer<passwd>?
            var buffer = [CChar](repeating: 0, count: size)
            let rc = buffer.withUnsafeMutableBufferPointer { call(&pw, $0.baseAddress!, size, &result) }
            if rc == ERANGE { size *= 4; continue }
            guard rc == 0, let entry = result?.pointee else { return nil }
            let shell = string(entry.pw_shell)
            return Account(name: string(entry.pw_name), uid: entry.pw_uid, gid: entry.pw_gid,
                           home: string(entry.pw_dir), shell: shell.isEmpty ? "/bin/sh" : shell)
        }
        return nil
    }

    private static func lookupGroup(
        _ call: (UnsafeMutablePointer<CRunasLibc.group>, UnsafeMutablePointer<CChar>, Int,
                 UnsafeMutablePointer<UnsafeMutablePointer<CRunasLibc.group>?>) -> Int32
    ) -> GroupEntry? {
        var size = 4096
        while size <= 1 << 22 {
            var gr = CRunasLibc.group()
            var result: UnsafeMutablePointer<CRunasLibc.group>?
            var buffer = [CChar](repeating: 0, count: size)
            let rc = buffer.withUnsafeMutableBufferPointer { call(&gr, $0.baseAddress!, size, &result) }
            if rc == ERANGE { size *= 4; continue }
            guard rc == 0, let entry = result?.pointee else { return nil }
            var members: [String] = []
            if var p = entry.gr_mem {
                while let m = p.pointee { members.append(String(cString: m)); p += 1 }
            }
            return GroupEntry(name: string(entry.gr_name), gid: entry.gr_gid, members: members)
        }
        return nil
    }

    private static func string(_ p: UnsafeMutablePointer<CChar>?) -> String {
        p.map { String(cString: $0) } ?? ""
    }
}
