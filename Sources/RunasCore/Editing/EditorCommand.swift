// EditorCommand.swift: which editor -e runs, and how. The first set and
// non-blank of RUNAS_EDITOR, SUDO_EDITOR, VISUAL and EDITOR in the caller's
// environment, else the build's default (runas_build_default_editor). The
// value is words split at blanks (no quoting): the program and its
// options. The files come only from runas's own command line, so a value
// with a "--" word is refused (CVE-2023-22809: EDITOR='vim -- /etc/shadow'
// made sudoedit edit a file nobody asked for).
//
// The program is looked up only by the editor's own process, after it has
// become the caller (the PATH is the caller's, and so are the rights):
// here the candidate paths are only worked out, as execvp would try them.
import CRunasBuildConfig

struct EditorCommand: Equatable {
    /// The words of the editor's command line, before the files.
    var words: [[UInt8]]
    /// Where the program may be, in the order to try.
    var candidates: [[UInt8]]
    /// The variable it came from; nil: the build's default.
    var source: String?

    static let variables = ["RUNAS_EDITOR", "SUDO_EDITOR", "VISUAL", "EDITOR"]

    static func choose(environment: [[UInt8]]) throws(Failure) -> EditorCommand {
        for name in variables {
            guard let value = lookup(name, in: environment) else { continue }
            let words = split(value)
            if words.isEmpty { continue }
            if words.contains(Array("--".utf8)) {
                throw Failure("\(name) may not contain '--' (the files to edit come only from runas's command line)",
                              log: "editor with '--' refused: \(name)=\(visible(value))")
            }
            return EditorCommand(words: words, candidates: candidates(for: words[0], environment: environment),
                                 source: name)
        }
        let fallback = Array(String(cString: runas_build_default_editor()).utf8)
        return EditorCommand(words: [fallback], candidates: candidates(for: fallback, environment: environment),
                             source: nil)
    }

    static func lookup(_ name: String, in environment: [[UInt8]]) -> [UInt8]? {
        let prefix = Array((name + "=").utf8)
        return environment.first(where: { $0.starts(with: prefix) }).map { Array($0.dropFirst(prefix.count)) }
    }

    /// Words separated by spaces and tabs.
    static func split(_ value: [UInt8]) -> [[UInt8]] {
        value.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }).map { Array($0) }
    }

    /// execvp's search: a program with a "/" is itself; otherwise each
    /// directory of the caller's PATH (an empty one meaning "."), or
    /// glibc's /bin:/usr/bin when PATH is not set.
    static func candidates(for program: [UInt8], environment: [[UInt8]]) -> [[UInt8]] {
        if program.contains(UInt8(ascii: "/")) { return [program] }
        let path = lookup("PATH", in: environment) ?? Array("/bin:/usr/bin".utf8)
        return path.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map { dir in
            dir.isEmpty ? program : Array(dir) + [UInt8(ascii: "/")] + program
        }
    }
}
