// WorkingDirectory.swift: where the caller is, and so where the command
// runs (-D names another directory, relative to here). Bytes throughout:
// a directory's name need not be UTF-8.
import CRunasLibc
import SystemEdge

enum WorkingDirectory {
    /// Where the command runs: -D (relative to here), else here.
    static func forCommand(_ o: Options) -> [UInt8] {
        let here = current() ?? Array("/".utf8)
        guard let d = o.directory else { return here }
        if d.hasPrefix("/") { return Array(d.utf8) }
        return (here == Array("/".utf8) ? [] : here) + Array(("/" + d).utf8)
    }

    /// getcwd, as bytes; nil if it fails (errno says why).
    static func current() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let found = buffer.withUnsafeMutableBufferPointer {
            getcwd(UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) != nil
        }
        return found ? Array(buffer.prefix(while: { $0 != 0 })) : nil
    }
}
