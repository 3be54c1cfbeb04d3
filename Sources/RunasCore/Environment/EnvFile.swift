// EnvFile.swift: /etc/runas.env, the administrator's environment overrides,
// applied last to every command's environment.
//
//   # comment
//   *     EDITOR=vim                 every target
//   alice EDITOR=nano                only when the target is alice
//   www   HOME=/srv/${USER}          ${USER} ${UID} ${GROUP} ${GID}: the target's
//
// The first word names the target user the line is for ("*": everyone);
// the rest of the line, after blanks, is NAME=VALUE, taken verbatim
// except for the four expansions. Later lines win. The file is read only
// after authentication, and only if it is a regular file owned by root and
// writable by nobody else; otherwise it is ignored with a warning. A line
// that is not in this shape is skipped with a warning naming it.
import CRunasBuildConfig
import CRunasLibc
import CRunasSupport
import SystemEdge

public enum EnvFile {
    public static let maximumSize = 64 * 1024

    public struct Target: Sendable {
        public var user: String
        public var uid: UInt32
        public var group: String
        public var gid: UInt32

        public init(user: String, uid: UInt32, group: String, gid: UInt32) {
            self.user = user
            self.uid = uid
            self.group = group
            self.gid = gid
        }
    }

    /// The assignments of `text` that apply to `target`, in file order,
    /// expanded; `warn` gets one message per malformed line.
    public static func assignments(
        in text: [UInt8], for target: Target, path: String = "/etc/runas.env",
        warn: (String) -> Void
    ) -> [EnvironmentAssignment] {
        var result: [EnvironmentAssignment] = []
        var number = 0
        for rawLine in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var line = Array(rawLine)
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            let start = line.firstIndex(where: { !isBlank($0) }) ?? line.endIndex
            if start == line.endIndex || line[start] == UInt8(ascii: "#") { continue }
            let rest = line[start...]
            guard let gap = rest.firstIndex(where: isBlank),
                  let valueStart = rest[gap...].firstIndex(where: { !isBlank($0) }),
                  let assignment = EnvironmentAssignment(parsing: Array(rest[valueStart...]))
            else {
                warn("\(path):\(number): not 'USER NAME=VALUE', ignored")
                continue
            }
            let who = String(decoding: rest[..<gap], as: UTF8.self)
            guard who == "*" || who == target.user else { continue }
            result.append(EnvironmentAssignment(name: assignment.name, value: expand(assignment.value, target)))
        }
        return result
    }

    /// ${USER} ${UID} ${GROUP} ${GID}; anything else stays as written.
    static func expand(_ value: [UInt8], _ t: Target) -> [UInt8] {
        let table: [([UInt8], String)] = [
            (Array("${USER}".utf8), t.user), (Array("${UID}".utf8), String(t.uid)),
            (Array("${GROUP}".utf8), t.group), (Array("${GID}".utf8), String(t.gid)),
        ]
        var out: [UInt8] = []
        var i = 0
        outer: while i < value.count {
            if value[i] == UInt8(ascii: "$") {
                for (key, replacement) in table where value[i...].starts(with: key) {
                    out += Array(replacement.utf8)
                    i += key.count
                    continue outer
                }
            }
            out.append(value[i])
            i += 1
        }
        return out
    }

    /// Reads the file at `path` if it is safe to trust: nil if it does not
    /// exist; nil with a warning if it is not a root-owned regular file
    /// that only root can write, or is too large.
    public static func read(path: String, warn: (String) -> Void) -> [UInt8]? {
        let file: FileDescriptor
        do throws(Errno) { file = try FileDescriptor.open(path, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK) } catch {
            if error != .noSuchFile { warn("ignoring \(path): \(error.description)") }
            return nil
        }
        do throws(Errno) {
            let st = try file.status()
            if !st.isRegularFile { warn("ignoring \(path): not a regular file"); return nil }
            if st.owner != 0 { warn("ignoring \(path): not owned by root"); return nil }
            if !st.isRootOwnedAndOnlyRootWritable { warn("ignoring \(path): writable by group or others"); return nil }
            guard st.size <= maximumSize, let data = try file.readAll(limit: maximumSize) else {
                warn("ignoring \(path): larger than \(maximumSize) bytes")
                return nil
            }
            return data
        } catch {
            warn("ignoring \(path): \(error.description)")
            return nil
        }
    }

    /// The configured file (fixed at build time), read and applied.
    public static func load(for target: Target) -> [EnvironmentAssignment] {
        let path = String(cString: runas_build_env_file_path())
        let warn: (String) -> Void = { writeAll(2, "runas: warning: \($0)\n") }
        guard let text = read(path: path, warn: warn) else { return [] }
        return assignments(in: text, for: target, path: path, warn: warn)
    }

    static func isBlank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
}
