// EditFiles.swift: reaching a file to edit without being tricked. A path is
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

enum EditFiles {
    /// Files larger than this are refused (they are held in memory).
    static let sizeLimit = 64 << 20

    /// Walks `p`'s directories (call it as the target). Every component
    /// must be a directory, not a symbolic link.
    static func openDirectories(_ p: EditPath) throws(Failure) -> OpenDirectories {
        var chain = OpenDirectories()
        let root: FileDescriptor
        do throws(Errno) { root = try FileDescriptor.open("/", O_PATH | O_DIRECTORY) } catch {
            throw p.failure("cannot open /: \(error.description)")
        }
        chain.inOrder.append(OpenDirectory(root))
        for (i, component) in p.directories.enumerated() {
            let directory: FileDescriptor
            do throws(Errno) {
                directory = try FileDescriptor.open(component, in: chain.parent.descriptor, O_PATH | O_NOFOLLOW)
            } catch {
                throw p.failure("cannot open \(visible(p.directoryPath(i + 1))): \(error.description)")
            }
            let st: FileStatus
            do throws(Errno) { st = try directory.status() } catch { throw p.failure(error.description) }
            chain.inOrder.append(OpenDirectory(directory))
            if st.type == libc_s_iflnk {
                throw p.failure("\(visible(p.directoryPath(i + 1))) is a symbolic link (runas -e follows none)")
            }
            if !st.isDirectory {
                throw p.failure("\(visible(p.directoryPath(i + 1))) is not a directory")
            }
        }
        // As the target, whatever the caller could see before the password.
        if let fs = try? chain.parent.descriptor.fileSystemStatus(), let kind = kernelInterface(fs) {
            throw kernelInterfaceRefused(kind, p)
        }
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
        for (i, directory) in chain.inOrder.enumerated() {
            let st: FileStatus
            do throws(Errno) { st = try directory.descriptor.status() } catch { throw p.failure(error.description) }
            var writable = st.owner == caller.uid
            if !writable {
                do throws(Errno) {
                    try directory.descriptor.checkAccess(W_OK)
                    writable = true
                } catch {
                    switch error.rawValue {
                    case EACCES: break
                    case EROFS:
                        let group = st.group == caller.gid || caller.groups.contains(st.group)
                        writable = st.permissions & 0o002 != 0 || (group && st.permissions & 0o020 != 0)
                    default:
                        throw p.failure("cannot tell whether you can write to \(visible(p.directoryPath(i))): "
                            + "\(error.description) (runas -e needs faccessat2, Linux 5.8)")
                    }
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
        let probed: FileDescriptor
        do throws(Errno) { probed = try FileDescriptor.open(p.name, in: chain.parent.descriptor, O_PATH | O_NOFOLLOW) } catch {
            if error == .noSuchFile { return nil }
            throw p.failure(error.description)
        }
        let kind = try fileKind(probed, p)
        let file: FileDescriptor
        do throws(Errno) {
            file = try FileDescriptor.open(p.name, in: chain.parent.descriptor, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        } catch {
            throw p.failure(error.description)
        }
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
}
