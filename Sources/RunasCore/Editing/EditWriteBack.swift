// EditWriteBack.swift: putting an edited copy back into the real file, with
// the target's rights, in place: the same inode, so its owner, mode, ACLs,
// extended attributes and hard links stay as they are. Nothing is lost:
//   1. the file must still be the one read before the editor ran (same
//      inode, size, times), or it is left alone;
//   2. the space the new contents need is reserved first (fallocate, where
//      the filesystem has it), then the part beyond the old end of file is
//      written: if either fails (disk full, quota), the file is cut back to
//      its old size and is exactly as it was;
//   3. only then are the old bytes overwritten and the file cut to its new
//      size, and flushed (fsync).
// A failure in step 3 (an I/O error) is told as such: the file may be
// damaged. A new file is created only now (O_EXCL, never over one that
// appeared meanwhile) and removed again if it cannot be written whole.
import CRunasLibc
import SystemEdge

enum WriteBack {
    enum Outcome: Equatable {
        case written
        /// The file is as it was; why.
        case notWritten(String)
        /// Writing failed part-way; why.
        case damaged(String)
    }

    /// Writes `data` to `p` (call it as the target). `original`: the
    /// fingerprint of the file as read, nil if it did not exist.
    static func write(_ data: [UInt8], to p: EditPath, in chain: OpenDirectories, original: Fingerprint?) -> Outcome {
        guard let original else { return create(data, p, chain) }
        // Looked at first without opening it for writing (a device swapped
        // in must not be opened), then opened and checked to be that file.
        let probed: FileDescriptor
        do throws(Errno) { probed = try FileDescriptor.open(p.name, in: chain.parent.descriptor, O_PATH | O_NOFOLLOW) } catch {
            return .notWritten(error.description)
        }
        let looked = try? probed.status()
        guard let seen = looked, Fingerprint(seen) == original else {
            return .notWritten(looked?.type == libc_s_iflnk ? "it became a symbolic link while you edited it"
                                                           : "it changed while you edited it")
        }
        let file: FileDescriptor
        do throws(Errno) {
            file = try FileDescriptor.open(p.name, in: chain.parent.descriptor, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
        } catch {
            return .notWritten(error.rawValue == ELOOP ? "it became a symbolic link while you edited it" : error.description)
        }
        guard let st = try? file.status(), st.isRegularFile, Fingerprint(st) == original, Fingerprint(seen) == original else {
            return .notWritten("it changed while you edited it")
        }
        return overwrite(file, with: data, oldSize: st.size)
    }

    static func create(_ data: [UInt8], _ p: EditPath, _ chain: OpenDirectories) -> Outcome {
        // The mode a command would give it: the caller's umask, never looser than 022.
        let mask = umask(0o022)
        umask(mask | 0o022)
        defer { umask(mask) }
        let file: FileDescriptor
        do throws(Errno) {
            file = try FileDescriptor.open(p.name, in: chain.parent.descriptor, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY,
                                           permissions: 0o666)
        } catch {
            return .notWritten(error == .exists ? "it was created while you edited it" : error.description)
        }
        let outcome = overwrite(file, with: data, oldSize: 0)
        if outcome != .written {
            let cName = p.name + [0]
            _ = cName.withUnsafeBufferPointer {
                unlinkat(chain.parent.descriptor.rawValue, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), 0)
            }
            if case .damaged(let why) = outcome { return .notWritten(why) }
        }
        return outcome
    }

    /// Steps 2 and 3 on an open file of `oldSize` bytes.
    static func overwrite(_ file: borrowing FileDescriptor, with data: [UInt8], oldSize: Int64) -> Outcome {
        let newSize = Int64(data.count)
        func cutBack(_ error: Errno) -> Outcome {
            _ = ftruncate(file.rawValue, off_t(oldSize))
            return .notWritten(error.description)
        }
        if newSize > 0 && fallocate(file.rawValue, FALLOC_FL_KEEP_SIZE, 0, off_t(newSize)) != 0 {
            let error = Errno.current
            if error.rawValue != EOPNOTSUPP && error.rawValue != ENOSYS { return cutBack(error) }
        }
        if newSize > oldSize {
            do throws(Errno) { try writeAll(file, data, from: Int(oldSize)) } catch { return cutBack(error) }
        }
        do throws(Errno) {
            try writeAll(file, Array(data.prefix(Int(min(oldSize, newSize)))), from: 0)
            if newSize < oldSize { _ = try valueOrErrno { ftruncate(file.rawValue, off_t(newSize)) } }
            _ = try retryingOnInterrupt { fsync(file.rawValue) }
        } catch {
            return .damaged(error.description)
        }
        return .written
    }

    /// pwrite of data[start...] at offset start, through short writes.
    static func writeAll(_ file: borrowing FileDescriptor, _ data: [UInt8], from start: Int) throws(Errno) {
        var offset = start
        while offset < data.count {
            let at = offset
            let n = try data.withUnsafeBytes { raw in
                Result { () throws(Errno) -> Int in
                    try file.write(UnsafeRawBufferPointer(rebasing: raw[at...]), at: Int64(at))
                }
            }.get()
            if n == 0 { throw Errno(rawValue: EIO) }
            offset += n
        }
    }
}
