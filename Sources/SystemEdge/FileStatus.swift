// FileStatus.swift: what stat says about a file, as the questions runas
// asks of it; the one "owned by root and writable by no one else" rule.
import CRunasLibc

public struct FileStatus {
    public var raw: stat
    public init(_ raw: stat) { self.raw = raw }

    public static func of(_ path: String, followingSymlinks: Bool = true) throws(Errno) -> FileStatus {
        var st = stat()
        _ = try valueOrErrno { followingSymlinks ? stat(path, &st) : lstat(path, &st) }
        return FileStatus(st)
    }

    public var type: mode_t { libc_mode_type(raw.st_mode) }
    public var isRegularFile: Bool { type == libc_s_ifreg }
    public var isDirectory: Bool { type == libc_s_ifdir }
    public var isCharacterDevice: Bool { type == libc_s_ifchr }
    public var permissions: mode_t { raw.st_mode & 0o7777 }
    public var owner: uid_t { raw.st_uid }
    public var group: gid_t { raw.st_gid }
    public var linkCount: UInt { UInt(raw.st_nlink) }
    public var size: Int64 { Int64(raw.st_size) }

    /// Owned by root and writable by neither group nor others: the rule
    /// for every file and directory runas trusts because of where it is
    /// (the backend and the directories above it, /etc/runas.env, the
    /// password-try records and their directory).
    public var isRootOwnedAndOnlyRootWritable: Bool { raw.st_uid == 0 && raw.st_mode & 0o022 == 0 }
}
