// ShellCommand.swift: what -s/--shell and -i/--login run.
//
//   -s: the shell named by the caller's $SHELL if /etc/shells lists it
//       (sudo's rule), else the target's login shell.
//   -i: the target's login shell as a login shell: argv[0] is "-" plus its
//       base name, and it starts in the target's home.
// With a command, its words are joined by spaces and passed as "-c", so
// the shell parses them (as with sudo -s/-i); without one, the shell is
// interactive.
import CRunasLibc
import SystemEdge

public struct ShellCommand: Equatable, Sendable {
    /// The shell's path, as found (resolved later like any command).
    public var shell: [UInt8]
    /// argv, including argv[0].
    public var argv: [[UInt8]]

    public static func make(login: Bool, shell: String, command: [[UInt8]]) -> ShellCommand {
        let path = Array(shell.utf8)
        var zero = path
        if login {
            let base = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).last.map(Array.init) ?? path
            zero = [UInt8(ascii: "-")] + base
        }
        guard !command.isEmpty else { return ShellCommand(shell: path, argv: [zero]) }
        return ShellCommand(shell: path, argv: [zero, Array("-c".utf8),
                                                Array(command.joined(separator: [UInt8(ascii: " ")]))])
    }

    /// -s: the caller's $SHELL when it is an absolute path listed in
    /// /etc/shells, else nil (use the target's shell).
    public static func callerShell(environment: [[UInt8]], listed: (String) -> Bool = isListedShell) -> String? {
        for entry in environment {
            guard let a = EnvironmentAssignment(parsing: entry), a.name == "SHELL" else { continue }
            guard let value = String(validating: a.value, as: UTF8.self), value.hasPrefix("/"),
                  listed(value) else { return nil }
            return value
        }
        return nil
    }

    /// Is `path` a line of /etc/shells (getusershell(3))?
    public static func isListedShell(_ path: String) -> Bool {
        setusershell()
        defer { endusershell() }
        while let entry = getusershell() {
            if String(cString: entry) == path { return true }
        }
        return false
    }
}
