// Options.swift: what the command line asked for, after parsing.

public struct Options: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        /// Run a command (or a shell).
        case run
        /// -h/--help, -v/-V/--version, --check: print and exit.
        case help, version, check
        /// -l/--list: may the caller use runas; with a command, its path.
        case list
        /// -k or -K without a command: nothing to do (no credential cache).
        case forgetCredentials
        /// -e/--edit (or runas started as runasedit): edit files as the
        /// target, in the caller's editor (EditSession.swift).
        case edit
    }

    public var mode: Mode = .run
    /// -u/--user: a name or "#N"; nil means root (or the caller with -g only).
    public var user: String?
    /// -g/--group: a name or "#N".
    public var group: String?
    /// -s/--shell: run $SHELL (if in /etc/shells) or the target's shell,
    /// with the command as -c.
    public var shell = false
    /// -i/--login: the target's login shell, as a login shell, in its home.
    public var login = false
    /// -E: keep the caller's environment, except what never passes.
    public var preserveAllEnvironment = false
    /// -n/--non-interactive: never prompt; fail if a password is needed.
    public var nonInteractive = false
    /// -S/--stdin: read the password from standard input.
    public var passwordFromStdin = false
    /// -A/--askpass: read the password from the RUNAS_ASKPASS helper.
    public var askpass = false
    /// -B/--bell: ring the terminal's bell before a password prompt on it.
    public var bell = false
    /// -p/--prompt TEXT (with %-escapes); nil: RUNAS_PROMPT or the default.
    public var prompt: String?
    /// --env VAR=VAL and VAR=VAL words before the command, in order.
    public var setEnvironment: [EnvironmentAssignment] = []
    /// --preserve-env LIST: names of caller variables to keep.
    public var preserveEnvironment: [String] = []
    /// --pty / --no-pty; nil: the build's default (runas_build_use_pty_default).
    public var pty: Bool?
    /// -D/--chdir DIR.
    public var directory: String?
    /// -b/--background: start the command and return at once.
    public var background = false
    /// -C/--close-from N: descriptors 3...N-1 stay open for the command.
    public var closeFrom: Int32?
    /// -P/--preserve-groups: the command keeps the caller's supplementary groups.
    public var preserveGroups = false
    /// -U/--other-user USER (with -l): ask about USER instead of the caller.
    public var otherUser: String?
    /// The command and its arguments, byte for byte as given; with -e,
    /// the files to edit.
    public var command: [[UInt8]] = []

    public init() {}
}

public struct EnvironmentAssignment: Equatable, Sendable {
    public var name: String
    public var value: [UInt8]

    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }

    /// Parses "NAME=VALUE"; NAME must be a valid variable name.
    public init?(parsing word: [UInt8]) {
        guard let eq = word.firstIndex(of: UInt8(ascii: "=")) else { return nil }
        let name = Array(word[..<eq])
        guard isVariableName(name) else { return nil }
        self.name = String(decoding: name, as: UTF8.self)
        self.value = Array(word[(eq + 1)...])
    }
}

/// [A-Za-z_][A-Za-z0-9_]*
func isVariableName(_ bytes: [UInt8]) -> Bool {
    guard let first = bytes.first, first == UInt8(ascii: "_") || isAlpha(first) else { return false }
    return bytes.allSatisfy { $0 == UInt8(ascii: "_") || isAlpha($0) || isDigit($0) }
}

func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
