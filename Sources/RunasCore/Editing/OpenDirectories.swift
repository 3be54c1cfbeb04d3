// OpenDirectories.swift: the directories of a path to edit, open (O_PATH)
// from "/" down to the file's own. Each is owned by one small object that
// closes it when the last reference goes: a FileDescriptor cannot be an
// Array element (it is not copyable), an object holding one can.
import SystemEdge

/// One directory of the path, open until this goes away.
final class OpenDirectory {
    let descriptor: FileDescriptor
    init(_ descriptor: consuming FileDescriptor) { self.descriptor = descriptor }
}

/// The directories of a path, opened in order from "/".
struct OpenDirectories {
    var inOrder: [OpenDirectory] = []
    /// The file's own directory: the last one opened.
    var parent: OpenDirectory { inOrder.last! }
}
