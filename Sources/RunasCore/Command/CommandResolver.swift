// CommandResolver.swift: turns the command word into the absolute path of
// the program to run. A word without "/" is looked up only in the fixed
// safe PATH, never the caller's. Not found: 127; found but not executable:
// 126 (the exit statuses a shell uses).
import CRunasLibc
import SystemEdge

public enum CommandResolver {
    public static func resolve(_ word: [UInt8], cwd: [UInt8]) throws(Failure) -> [UInt8] {
        let shown = visible(word)
        if word.contains(UInt8(ascii: "/")) {
            let path = normalised(word.first == UInt8(ascii: "/") ? word : cwd + [UInt8(ascii: "/")] + word)
            switch check(path) {
            case .executable: return path
            case .missing: throw Failure("\(shown): command not found", exitStatus: 127)
            case .notExecutable(let why): throw Failure("\(shown): \(why)", exitStatus: 126)
            }
        }
        var firstProblem: String?
        for dir in CommandEnvironment.safePath.split(separator: ":") {
            let path = Array(dir.utf8) + [UInt8(ascii: "/")] + word
            switch check(path) {
            case .executable: return path
            case .missing: continue
            case .notExecutable(let why): firstProblem = firstProblem ?? "\(visible(path)): \(why)"
            }
        }
        if let firstProblem { throw Failure(firstProblem, exitStatus: 126) }
        throw Failure("\(shown): command not found", exitStatus: 127)
    }

    /// The same path without "." components and repeated slashes ("/srv/./bin//x"
    /// is "/srv/bin/x"). ".." stays: where it leads depends on symlinks. A
    /// last "." stays too ("dir/." is not "dir" when dir is a file).
    static func normalised(_ path: [UInt8]) -> [UInt8] {
        let slash = UInt8(ascii: "/")
        let parts = path.split(separator: slash, omittingEmptySubsequences: true)
        var kept: [ArraySlice<UInt8>] = []
        for (i, part) in parts.enumerated() where !(part == [UInt8(ascii: ".")] && i < parts.count - 1) {
            kept.append(part)
        }
        var out: [UInt8] = path.first == slash ? [slash] : []
        out += Array(kept.joined(separator: [slash]))
        if path.count > 1 && path.last == slash && !kept.isEmpty { out.append(slash) }
        return out
    }

    enum Finding { case executable, missing, notExecutable(String) }

    static func check(_ path: [UInt8]) -> Finding {
        var st = stat()
        let rc = (path + [0]).withUnsafeBufferPointer {
            $0.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &st) }
        }
        if rc != 0 {
            let error = Errno.current
            return error == .noSuchFile || error.rawValue == ENOTDIR ? .missing : .notExecutable(error.description)
        }
        let status = FileStatus(st)
        if status.isDirectory { return .notExecutable("is a directory") }
        if !status.isRegularFile || status.permissions & 0o111 == 0 {
            return .notExecutable("Permission denied")
        }
        return .executable
    }
}
