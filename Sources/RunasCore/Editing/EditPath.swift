// EditPath.swift: reaching a file to edit without being tricked. A path is
// walked one component at a time from "/", each directory opened with the
// target's rights and O_NOFOLLOW, so no symbolic link is ever followed
// (the CVE-2015-5602 and CVE-2021-23240 class: a link, or a link swapped
// in, leading sudoedit to a file nobody asked for). A path with a symbolic
// link anywhere in it, with "..", or through a directory the caller can
// write (whose entries the caller could swap while runas works) is
// refused. The file itself must be a regular file; devices, FIFOs and
// directories are refused before they are opened for reading (O_PATH
// first: opening a device can have effects). Files on proc, sysfs and the
// other kernel-interface file systems (cgroup, debugfs, tracefs,
// securityfs, efivarfs, bpf) are kernel interfaces, not files (a write-back would set the value, and
// reading it again gives something else): refused before the password
// where the caller can see them there, and by the walk in any case.
import CRunasLibc
import SystemEdge

/// A path as given (for messages), and its components from "/".
struct EditPath {
    let typed: [UInt8]
    let directories: [[UInt8]]
    let name: [UInt8]

    init(_ typed: [UInt8], cwd: [UInt8]) throws(Failure) {
        self.typed = typed
        let slash = UInt8(ascii: "/")
        if typed.isEmpty { throw Failure("an empty name is no file to edit") }
        let full = typed.first == slash ? typed : cwd + [slash] + typed
        let parts = full.split(separator: slash).map { Array($0) }.filter { $0 != Array(".".utf8) }
        if parts.contains(Array("..".utf8)) {
            throw Failure("\(visible(typed)): a file to edit is named without '..'")
        }
        // "dir/", "dir/." and "." name a directory, whatever comes before.
        let lastTyped = typed.split(separator: slash).last.map { Array($0) } ?? []
        guard let last = parts.last, typed.last != slash, lastTyped != Array(".".utf8) else {
            throw Failure("\(visible(typed)): is a directory")
        }
        directories = Array(parts.dropLast())
        name = last
    }

    /// "/a/b" for the first `count` directories.
    func directoryPath(_ count: Int) -> [UInt8] {
        count == 0 ? Array("/".utf8) : Array(directories.prefix(count).map { [UInt8(ascii: "/")] + $0 }.joined())
    }

    func failure(_ what: String) -> Failure { Failure("\(visible(typed)): \(what)") }
}

/// What identifies one version of a file: if any of it differs, the file
/// is another one, or was changed (ctime moves on every change).
struct Fingerprint: Equatable {
    var device: UInt64, inode: UInt64, size: Int64
    var modified: (Int, Int), changed: (Int, Int)

    init(_ st: FileStatus) {
        device = UInt64(st.raw.st_dev)
        inode = UInt64(st.raw.st_ino)
        size = st.size
        modified = (st.raw.st_mtim.tv_sec, st.raw.st_mtim.tv_nsec)
        changed = (st.raw.st_ctim.tv_sec, st.raw.st_ctim.tv_nsec)
    }

    static func == (a: Fingerprint, b: Fingerprint) -> Bool {
        a.device == b.device && a.inode == b.inode && a.size == b.size
            && a.modified == b.modified && a.changed == b.changed
    }
}

/// The directories of a path, opened (O_PATH) in order from "/"; closed
/// when this goes away.
final class OpenDirectories {
    var descriptors: [Int32] = []
    var parent: Int32 { descriptors.last! }
    deinit { for fd in descriptors { _ = close(fd) } }
}

enum EditFiles {
    /// Files larger than this are refused (they are held in memory).
    static let sizeLimit = 64 << 20

    /// Walks `p`'s directories (call it as the target). Every component
    /// must be a directory, not a symbolic link.
    static func openDirectories(_ p: EditPath) throws(Failure) -> OpenDirectories {
        let chain = OpenDirectories()
        let root = libc_open("/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0)
        guard root >= 0 else { throw p.failure("cannot open /: \(Errno.current.description)") }
        chain.descriptors.append(root)
        for (i, component) in p.directories.enumerated() {
            let fd = open(component, in: chain.parent, O_PATH | O_NOFOLLOW)
            guard fd >= 0 else {
                throw p.failure("cannot open \(visible(p.directoryPath(i + 1))): \(Errno.current.description)")
            }
            chain.descriptors.append(fd)
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw p.failure(Errno.current.description) }
            if libc_mode_type(st.st_mode) == libc_s_iflnk {
                throw p.failure("\(visible(p.directoryPath(i + 1))) is a symbolic link (runas -e follows none)")
            }
            if libc_mode_type(st.st_mode) != libc_s_ifdir {
                throw p.failure("\(visible(p.directoryPath(i + 1))) is not a directory")
            }
        }
        // As the target, whatever the caller could see before the password.
        var fs = statfs()
        if fstatfs(chain.parent, &fs) == 0, let kind = kernelInterface(fs) { throw kernelInterfaceRefused(kind, p) }
        return chain
    }

    /// "proc", "sysfs", "cgroup2", ... for a file system of kernel
    /// interfaces (libc_kernel_interface_filesystem), else nil.
    static func kernelInterface(_ fs: statfs) -> String? {
        libc_kernel_interface_filesystem(fs.f_type).map { String(cString: $0) }
    }

    static func kernelInterfaceRefused(_ kind: String, _ p: EditPath) -> Failure {
        p.failure("is on \(kind), a kernel interface and not a file: runas -e cannot edit it")
    }

    /// Before the password, as the caller (who learns nothing that stat -f
    /// would not tell them): the file, or for a file not there yet its
    /// directory, must not be on a kernel-interface file system. A path the caller cannot
    /// reach is left to the walk as the target, after the password.
    static func requireNoKernelInterface(_ p: EditPath) throws(Failure) {
        let slash = UInt8(ascii: "/")
        let directory = p.directoryPath(p.directories.count)
        for path in [directory + (p.directories.isEmpty ? [] : [slash]) + p.name, directory] {
            var fs = statfs()
            let found = (path + [0]).withUnsafeBufferPointer {
                statfs(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &fs) == 0
            }
            if found, let kind = kernelInterface(fs) { throw kernelInterfaceRefused(kind, p) }
            if found || Errno.current != .noSuchFile { return }
        }
    }

    /// Refuses a path through a directory the caller may write to, as the
    /// kernel judges it (mode bits, ACLs) for the caller's real ids and
    /// groups: call it with the caller's own groups in place (not while
    /// acting as the target). A directory the caller owns counts as
    /// writable (they can chmod it), and so does one that only a read-only
    /// mount keeps them from writing here (they may write it elsewhere).
    static func requireNotWritableByCaller(_ chain: OpenDirectories, _ p: EditPath, caller: Identity) throws(Failure) {
        for (i, fd) in chain.descriptors.enumerated() {
            var st = stat()
            guard fstat(fd, &st) == 0 else { throw p.failure(Errno.current.description) }
            var writable = st.st_uid == caller.uid
            if !writable && faccessat(fd, "", W_OK, AT_EMPTY_PATH) == 0 {
                writable = true
            } else if !writable {
                let error = Errno.current
                switch error.rawValue {
                case EACCES: break
                case EROFS:
                    let group = st.st_gid == caller.gid || caller.groups.contains(st.st_gid)
                    writable = st.st_mode & 0o002 != 0 || (group && st.st_mode & 0o020 != 0)
                default:
                    throw p.failure("cannot tell whether you can write to \(visible(p.directoryPath(i))): "
                        + "\(error.description) (runas -e needs faccessat2, Linux 5.8)")
                }
            }
            if writable {
                throw p.failure("you can write to the directory \(visible(p.directoryPath(i))), "
                    + "so its entries could be swapped while runas works: edit it without runas")
            }
        }
    }

    /// The file's contents and fingerprint, or nil if it does not exist
    /// (call it as the target).
    static func read(_ p: EditPath, in chain: OpenDirectories) throws(Failure) -> ([UInt8], Fingerprint)? {
        let probe = open(p.name, in: chain.parent, O_PATH | O_NOFOLLOW)
        if probe < 0 {
            let error = Errno.current
            if error == .noSuchFile { return nil }
            throw p.failure(error.description)
        }
        let probed = FileDescriptor(owning: probe)
        let kind = try fileKind(probed, p)
        let fd = open(p.name, in: chain.parent, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        guard fd >= 0 else { throw p.failure(Errno.current.description) }
        let file = FileDescriptor(owning: fd)
        let st: FileStatus
        do { st = try file.status() } catch { throw p.failure(error.description) }
        guard st.isRegularFile, st.raw.st_dev == kind.raw.st_dev, st.raw.st_ino == kind.raw.st_ino else {
            throw p.failure("changed while runas opened it")
        }
        guard let content = try readAll(file, p) else {
            throw p.failure("is larger than \(sizeLimit >> 20) MiB, more than runas -e edits")
        }
        return (content, Fingerprint(st))
    }

    /// A regular file, or a clear refusal (symbolic link, directory, other).
    static func fileKind(_ fd: borrowing FileDescriptor, _ p: EditPath) throws(Failure) -> FileStatus {
        let st: FileStatus
        do { st = try fd.status() } catch { throw p.failure(error.description) }
        if st.type == libc_s_iflnk { throw p.failure("is a symbolic link (runas -e follows none)") }
        if st.isDirectory { throw p.failure("is a directory") }
        if !st.isRegularFile { throw p.failure("is not a regular file") }
        return st
    }

    /// Everything in `fd`, or nil beyond sizeLimit.
    static func readAll(_ fd: borrowing FileDescriptor, _ p: EditPath) throws(Failure) -> [UInt8]? {
        do {
            return try fd.readAll(limit: sizeLimit)
        } catch {
            throw p.failure("cannot read: \(error.description)")
        }
    }

    /// openat, close-on-exec, retried on EINTR; -1 with errno set on failure.
    static func open(_ name: [UInt8], in directory: Int32, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
        let cName = name + [0]
        while true {
            let fd = cName.withUnsafeBufferPointer {
                libc_openat(directory, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self),
                            flags | O_CLOEXEC, mode)
            }
            if fd >= 0 || libc_errno() != EINTR { return fd }
        }
    }
}
