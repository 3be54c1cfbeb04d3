// CommandEnvironment.swift: the environment the command gets. Built from
// scratch out of an allow-list, never by deleting from the caller's.
//
// Order of decisions (later wins, no duplicates):
//  1. kept from the caller when present and harmless (display, locale, ...),
//  2. with -E every caller variable, and --preserve-env names, except the
//     variables that never pass implicitly (and unsafe locale/TZ values),
//  3. the PAM environment (pam_env and friends), when there is one,
//  4. always set by runas (HOME, USER, PATH, SUDO_* ...; SUDO_TTY only with
//     a terminal; MAIL unless kept; PS1 from RUNAS_PS1 or SUDO_PS1),
//  5. --env VAR=VALUE and VAR=VALUE words, set explicitly by the caller,
//  6. /etc/runas.env, the administrator's overrides (EnvFile).
import CRunasBuildConfig

public enum CommandEnvironment {
    /// The only PATH a command started by runas sees, and where runas itself
    /// looks up commands. The caller's PATH never reaches a root child.
    public static var safePath: String { String(cString: runas_build_safe_path()) }

    /// Kept from the caller when present (plus LC_*).
    static let kept: Set<String> = [
        "DISPLAY", "WAYLAND_DISPLAY", "XAUTHORITY", "COLORTERM", "LANG", "LANGUAGE",
        "TZ", "SSH_AUTH_SOCK", "COLORS", "LS_COLORS",
    ]

    /// sudo's own list (initial_badenv_table in sudoers' env.c), every
    /// entry that means something on Linux, plus runas's additions
    /// (GLIBC_TUNABLES, LOCPATH, SWIFT_*, every PYTHON* and PERL5*).
    static let neverPassNames: Set<String> = [
        // the C library: character sets, locales, resolver, messages
        "GCONV_PATH", "GLIBC_TUNABLES", "LOCPATH", "NLSPATH", "PATH_LOCALE",
        "HOSTALIASES", "RES_OPTIONS", "LOCALDOMAIN",
        // shells: start-up files, options, word splitting, functions, prompts
        "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "IFS", "CDPATH", "GLOBIGNORE",
        "FPATH", "NULLCMD", "READNULLCMD", "ZDOTDIR", "TMPPREFIX",
        // terminal descriptions (files the terminal library reads)
        "TERMINFO", "TERMINFO_DIRS", "TERMCAP", "TERMPATH",
        // other interpreters: load paths, options, debuggers
        "PERLLIB", "PERLIO_DEBUG", "RUBYLIB", "RUBYOPT", "NODE_OPTIONS", "NODE_PATH",
        "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "CLASSPATH",
        // git runs these, Kerberos reads these
        "GIT_SSH_COMMAND", "KRB5_KTNAME",
    ]
    static let neverPassPrefixes = [
        "LD_", "_RLD", "BASH_FUNC_", "PYTHON", "PERL5", "SWIFT_", "GIT_CONFIG_", "KRB5_CONFIG",
    ]

    /// The shell prompt for the command (sudo's SUDO_PS1, after runas's own
    /// name): it becomes PS1 and never passes under its own name.
    static let promptVariables = ["RUNAS_PS1", "SUDO_PS1"]

    /// MAIL: the target's spool, as sudo sets it (with -i always, else
    /// unless the caller's own was kept with -E or --preserve-env).
    static let mailDirectory = "/var/mail/"

    /// Variables that can change how a program loads or interprets code:
    /// never taken from the caller implicitly, not even with --preserve-env.
    public static func neverPasses(name: String, value: [UInt8]) -> Bool {
        if neverPassNames.contains(name) { return true }
        if neverPassPrefixes.contains(where: { name.hasPrefix($0) }) { return true }
        // sudo's "*=()*": a bash function, or a value that holds one.
        return value.starts(with: Array("()".utf8)) || contains(value, Array("=()".utf8))
    }

    public struct Context: Sendable {
        public var caller: Account
        public var target: Account
        /// The command line as logged and shown in SUDO_COMMAND.
        public var commandLine: [UInt8]
        /// The caller's terminal (SUDO_TTY), if there is one.
        public var tty: String?

        public init(caller: Account, target: Account, commandLine: [UInt8], tty: String? = nil) {
            self.caller = caller
            self.target = target
            self.commandLine = commandLine
            self.tty = tty
        }
    }

    /// `callerEnvironment` holds the caller's "NAME=VALUE" entries.
    public static func build(
        callerEnvironment: [[UInt8]], options: Options, context: Context,
        pamEnvironment: [String] = [], overrides: [EnvironmentAssignment] = []
    ) -> [(name: String, value: [UInt8])] {
        var caller: [String: [UInt8]] = [:]
        var callerOrder: [String] = []
        for entry in callerEnvironment {
            guard let a = EnvironmentAssignment(parsing: entry), caller[a.name] == nil else { continue }
            caller[a.name] = a.value
            callerOrder.append(a.name)
        }
        // SUDO_TTY is runas's to set, or to leave out when there is no
        // terminal: never the caller's own.
        func passes(_ name: String, _ value: [UInt8]) -> Bool {
            isSafeKept(name: name, value: value) && !neverPasses(name: name, value: value)
                && !promptVariables.contains(name) && name != "SUDO_TTY"
        }
        var result = OrderedEnvironment()

        for name in callerOrder.sorted()
        where (kept.contains(name) || name.hasPrefix("LC_")) && passes(name, caller[name]!) {
            result.set(name, caller[name]!)
        }
        if options.preserveAllEnvironment {
            for name in callerOrder where passes(name, caller[name]!) {
                result.set(name, caller[name]!)
            }
        }
        for name in options.preserveEnvironment {
            if let value = caller[name], passes(name, value) {
                result.set(name, value)
            }
        }
        for entry in pamEnvironment {
            if let a = EnvironmentAssignment(parsing: Array(entry.utf8)) { result.set(a.name, a.value) }
        }
        let t = context.target, c = context.caller
        result.set("HOME", Array(t.home.utf8))
        result.set("USER", Array(t.name.utf8))
        result.set("LOGNAME", Array(t.name.utf8))
        result.set("SHELL", Array(t.shell.utf8))
        result.set("PATH", Array(safePath.utf8))
        result.set("TERM", caller["TERM"].flatMap { isSafeTerm($0) ? $0 : nil } ?? Array("unknown".utf8))
        result.set("SUDO_USER", Array(c.name.utf8))
        result.set("SUDO_UID", Array(String(c.uid).utf8))
        result.set("SUDO_GID", Array(String(c.gid).utf8))
        result.set("SUDO_HOME", Array(c.home.utf8))
        if let tty = context.tty { result.set("SUDO_TTY", Array(tty.utf8)) }
        result.set("SUDO_COMMAND", context.commandLine)
        result.set("RUNAS_USER", Array(c.name.utf8))
        if options.login || !result.contains("MAIL") { result.set("MAIL", Array((mailDirectory + t.name).utf8)) }
        if let ps1 = promptVariables.lazy.compactMap({ caller[$0] }).first { result.set("PS1", ps1) }
        for a in options.setEnvironment + overrides {
            result.set(a.name, a.value)
        }
        return result.entries
    }

    /// Locale variables naming a path or with format characters could make
    /// the C library read files of the caller's choosing; TZ must name a
    /// zone under the system's zoneinfo directory.
    static func isSafeKept(name: String, value: [UInt8]) -> Bool {
        if name == "LANG" || name == "LANGUAGE" || name.hasPrefix("LC_") {
            return !value.contains(UInt8(ascii: "/")) && !value.contains(UInt8(ascii: "%"))
        }
        if name == "TZ" {
            var v = value
            if v.first == UInt8(ascii: ":") { v.removeFirst() }
            if contains(v, Array("..".utf8)) { return false }
            if v.first == UInt8(ascii: "/") { return v.starts(with: Array("/usr/share/zoneinfo/".utf8)) }
            return !v.isEmpty
        }
        return true
    }

    /// A terminal type is a short plain word (it names a terminfo file),
    /// and like every implicitly passed value it never starts with "()".
    static func isSafeTerm(_ value: [UInt8]) -> Bool {
        !value.isEmpty && value.count <= 64 && !value.contains(UInt8(ascii: "/"))
            && value.allSatisfy { $0 > 0x20 && $0 < 0x7f } && !neverPasses(name: "TERM", value: value)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where Array(haystack[i..<(i + needle.count)]) == needle {
            return true
        }
        return false
    }
}

/// Name → value in first-set order; setting again replaces the value.
struct OrderedEnvironment {
    private(set) var entries: [(name: String, value: [UInt8])] = []
    private var index: [String: Int] = [:]

    func contains(_ name: String) -> Bool { index[name] != nil }

    mutating func set(_ name: String, _ value: [UInt8]) {
        if let i = index[name] {
            entries[i].value = value
        } else {
            index[name] = entries.count
            entries.append((name, value))
        }
    }
}
