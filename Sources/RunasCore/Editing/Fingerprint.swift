// Fingerprint.swift: what identifies one version of a file. runas -e
// takes it when it reads a file, and writes back only into the file that
// still has it: the same file, unchanged since.
import CRunasLibc
import SystemEdge

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
