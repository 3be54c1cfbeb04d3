// OptionParser.swift: the sudo-like command line, parsed by hand.
//
// Options and VAR=VALUE words (which set variables) come first, in any
// order, as in sudo; parsing stops at "--" or at the first word that is
// neither, and every word from there on belongs to the command, byte for
// byte, except that VAR=VALUE words right after "--" still set variables.
// Option words themselves must be UTF-8. Short options combine ("-nS") and
// take values attached or separate ("-uroot", "-u root"); long options take
// "--user=root" or "--user root".

public enum OptionParser {
    /// Every option runas takes. apply() switches over these without a
    /// default and check()'s rules name them, so a misspelt option or rule
    /// is a compile error rather than an option or a refusal that silently
    /// does nothing.
    enum Option: CaseIterable {
        case user, group, shell, login, setHome, preserveAllEnvironment, preserveEnvironment, env, chdir
        case pty, noPty, nonInteractive, stdin, askpass, bell, prompt, resetTimestamp, removeTimestamp
        case list, otherUser, edit, background, closeFrom, preserveGroups, help, version, check

        enum Kind { case flag, value }

        /// How it is typed: the letters of its short forms ("" for none;
        /// -v and -V are both --version), its long name (nil for none: -E's
        /// sudo --preserve-env without a value would clash with runas's
        /// --preserve-env LIST) and whether it takes a value.
        var spelling: (short: String, long: String?, kind: Kind) {
            let (short, long, kind) = typed
            return (Self.string(short), long.map(Self.string), kind)
        }

        /// The table behind `spelling`, as StaticStrings: kept in read-only
        /// data. (As String literals they were instruction immediates, and
        /// "user" followed by the next instruction's bytes read "userA" to
        /// lintian's spelling check of the binary.)
        private var typed: (short: StaticString, long: StaticString?, kind: Kind) {
            switch self {
            case .user:                   ("u", "user", .value)
            case .group:                  ("g", "group", .value)
            case .shell:                  ("s", "shell", .flag)
            case .login:                  ("i", "login", .flag)
            case .setHome:                ("H", "set-home", .flag)
            case .preserveAllEnvironment: ("E", nil, .flag)
            case .preserveEnvironment:    ("", "preserve-env", .value)
            case .env:                    ("", "env", .value)
            case .chdir:                  ("D", "chdir", .value)
            case .pty:                    ("", "pty", .flag)
            case .noPty:                  ("", "no-pty", .flag)
            case .nonInteractive:         ("n", "non-interactive", .flag)
            case .stdin:                  ("S", "stdin", .flag)
            case .askpass:                ("A", "askpass", .flag)
            case .bell:                   ("B", "bell", .flag)
            case .prompt:                 ("p", "prompt", .value)
            case .resetTimestamp:         ("k", "reset-timestamp", .flag)
            case .removeTimestamp:        ("K", "remove-timestamp", .flag)
            case .list:                   ("l", "list", .flag)
            case .otherUser:              ("U", "other-user", .value)
            case .edit:                   ("e", "edit", .flag)
            case .background:             ("b", "background", .flag)
            case .closeFrom:              ("C", "close-from", .value)
            case .preserveGroups:         ("P", "preserve-groups", .flag)
            case .help:                   ("h", "help", .flag)
            case .version:                ("vV", "version", .flag)
            case .check:                  ("", "check", .flag)
            }
        }

        private static func string(_ text: StaticString) -> String {
            text.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        }

        init?(long name: String) {
            guard let option = Option.allCases.first(where: { $0.spelling.long == name }) else { return nil }
            self = option
        }

        /// Characters compare by canonical equivalence, so U+212A KELVIN
        /// SIGN is -K here, as it was with the table of strings before.
        init?(short letter: Character) {
            guard let option = Option.allCases.first(where: { $0.spelling.short.contains(letter) }) else { return nil }
            self = option
        }

        /// How refusals name it, however it was typed: "-s", "--pty".
        var name: String {
            let (short, long, _) = spelling
            if let letter = short.first { return "-" + String(letter) }
            return "--" + long!
        }
    }

    /// What the words said beyond Options itself, for the final checks.
    private struct Seen {
        var modes: [(Options.Mode, String)] = []
        /// Every option given, in order, and how it was typed.
        var given: [(option: Option, spelled: String)] = []

        func gave(_ option: Option) -> Bool { given.contains(where: { $0.option == option }) }
        func spelling(of options: [Option]) -> String? { given.first(where: { options.contains($0.option) })?.spelled }
    }

    static let hint = " (see 'runas --help')"

    /// Parses argv without argv[0]. `asEditor`: runas was started as
    /// runasedit, which means -e.
    public static func parse(_ words: [[UInt8]], asEditor: Bool = false) throws(Failure) -> Options {
        var options = Options()
        var seen = Seen()
        if asEditor { seen.modes.append((.edit, "runasedit")) }
        var i = 0
        while i < words.count {
            let word = words[i]
            if word == Array("--".utf8) {
                i += 1
                break
            }
            guard word.count > 1, word[0] == UInt8(ascii: "-") else {
                // sudo's rule: VAR=VALUE words may stand among the options.
                guard let a = EnvironmentAssignment(parsing: word) else { break }
                options.setEnvironment.append(a)
                i += 1
                continue
            }
            guard let text = String(validating: word, as: UTF8.self) else {
                throw Failure("option is not valid UTF-8: \(visible(word))")
            }
            i += 1
            if text.hasPrefix("--") {
                let body = text.dropFirst(2)
                let name: String
                var attached: String?
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq])
                    attached = String(body[body.index(after: eq)...])
                } else {
                    name = String(body)
                }
                guard let option = Option(long: name) else {
                    throw Failure("unknown option: --\(visible(name))" + hint)
                }
                switch option.spelling.kind {
                case .flag:
                    if attached != nil { throw Failure("option --\(name) takes no value" + hint) }
                    try apply(option, value: nil, to: &options, &seen, spelled: "--\(name)")
                case .value:
                    if let attached {
                        try apply(option, value: attached, to: &options, &seen, spelled: "--\(name)")
                    } else {
                        try apply(option, value: try nextValue(words, &i, option: "--\(name)"), to: &options, &seen, spelled: "--\(name)")
                    }
                }
            } else {
                var chars = Array(text.dropFirst())
                while !chars.isEmpty {
                    let c = chars.removeFirst()
                    guard let option = Option(short: c) else {
                        throw Failure("unknown option: -\(visible(String(c)))" + hint)
                    }
                    if option.spelling.kind == .flag {
                        try apply(option, value: nil, to: &options, &seen, spelled: "-\(c)")
                        continue
                    }
                    let value = chars.isEmpty ? try nextValue(words, &i, option: "-\(c)") : String(chars)
                    try apply(option, value: value, to: &options, &seen, spelled: "-\(c)")
                    chars = []
                }
            }
        }
        // ... and between "--" and the command (with -e every word is a file).
        let editing = seen.modes.contains(where: { $0.0 == .edit })
        while !editing, i < words.count, let a = EnvironmentAssignment(parsing: words[i]) {
            options.setEnvironment.append(a)
            i += 1
        }
        options.command = Array(words[i...])
        try check(&options, seen)
        return options
    }

    private static func nextValue(_ words: [[UInt8]], _ i: inout Int, option: String) throws(Failure) -> String {
        guard i < words.count else { throw Failure("option \(option) requires a value" + hint) }
        guard let value = String(validating: words[i], as: UTF8.self) else {
            throw Failure("value of \(option) is not valid UTF-8: \(visible(words[i]))")
        }
        i += 1
        return value
    }

    private static func apply(
        _ option: Option, value: String?, to o: inout Options, _ seen: inout Seen, spelled: String
    ) throws(Failure) {
        seen.given.append((option, spelled))
        switch option {
        case .user: o.user = try nonEmpty(value, "--user")
        case .group: o.group = try nonEmpty(value, "--group")
        case .shell: o.shell = true
        case .login: o.login = true
        case .setHome: break  // HOME is always the target's
        case .preserveAllEnvironment: o.preserveAllEnvironment = true
        case .nonInteractive: o.nonInteractive = true
        case .stdin: o.passwordFromStdin = true
        case .askpass: o.askpass = true
        case .bell: o.bell = true
        case .prompt: o.prompt = value ?? ""
        case .env:
            guard let a = EnvironmentAssignment(parsing: Array((value ?? "").utf8)) else {
                throw Failure("--env wants VAR=VALUE, got '\(visible(value ?? ""))'" + hint)
            }
            o.setEnvironment.append(a)
        case .preserveEnvironment:
            for name in (value ?? "").split(separator: ",", omittingEmptySubsequences: true) {
                guard isVariableName(Array(name.utf8)) else {
                    throw Failure("--preserve-env: not a variable name: '\(visible(String(name)))'" + hint)
                }
                o.preserveEnvironment.append(String(name))
            }
        case .chdir: o.directory = try nonEmpty(value, "--chdir")
        case .pty: o.pty = true
        case .noPty: o.pty = false
        case .resetTimestamp, .removeTimestamp: break  // no credential cache; check() reads them from seen
        case .list: seen.modes.append((.list, spelled))
        case .otherUser: o.otherUser = try nonEmpty(value, "--other-user")
        case .edit: seen.modes.append((.edit, spelled))
        case .background: o.background = true
        case .closeFrom: o.closeFrom = try descriptorNumber(value)
        case .preserveGroups: o.preserveGroups = true
        case .help: seen.modes.append((.help, spelled))
        case .version: seen.modes.append((.version, spelled))
        case .check: seen.modes.append((.check, spelled))
        }
    }

    /// -C's N: a decimal number, at least 3 (0, 1 and 2 are always open).
    private static func descriptorNumber(_ value: String?) throws(Failure) -> Int32 {
        let text = value ?? ""
        var n: Int32 = 0
        for b in text.utf8 {
            let digit = Int32(b &- UInt8(ascii: "0"))
            guard isDigit(b), n <= (Int32.max - digit) / 10 else { n = -1; break }
            n = n * 10 + digit
        }
        guard !text.isEmpty, n >= 3 else {
            throw Failure("-C wants a descriptor number of 3 or more, not '\(visible(text))'" + hint)
        }
        return n
    }

    private static func nonEmpty(_ value: String?, _ option: String) throws(Failure) -> String {
        guard let value, !value.isEmpty else { throw Failure("option \(option) requires a value" + hint) }
        return value
    }

    /// Settles the mode and refuses combinations that make no sense.
    private static func check(_ o: inout Options, _ seen: Seen) throws(Failure) {
        func refuse(_ text: String) -> Failure { Failure(text + hint) }
        func refuseTogether(_ one: Option, _ other: Option, _ why: String = "") throws(Failure) {
            if seen.gave(one) && seen.gave(other) { throw refuse("\(one.name) and \(other.name) cannot be used together" + why) }
        }
        let hasCommand = !o.command.isEmpty
        var modes = seen.modes
        // runasedit -h / -v: the help or the version, as with sudoedit.
        if modes.count > 1, modes[0].1 == "runasedit", modes.dropFirst().allSatisfy({ $0.0 == .help || $0.0 == .version }) {
            modes.removeFirst()
        }
        if let (first, firstName) = modes.first {
            if let other = modes.first(where: { $0.0 != first }) {
                throw refuse("\(firstName) and \(other.1) cannot be used together")
            }
            o.mode = first
        }
        try refuseTogether(.shell, .login)
        try refuseTogether(.login, .chdir, " (-i runs in the target's home)")
        try refuseTogether(.askpass, .stdin)
        // As sudo-rs: with -S the prompt goes to stderr, no terminal rings.
        try refuseTogether(.bell, .stdin)
        // sudo: -K stands alone.
        if seen.gave(.removeTimestamp) {
            if hasCommand { throw refuse("-K takes no command") }
            if let other = seen.given.first(where: { $0.option != .removeTimestamp }) {
                throw refuse("-K and \(other.spelled) cannot be used together")
            }
        }
        try refuseTogether(.background, .pty)
        if o.otherUser != nil && o.mode != .list { throw refuse("-U works only with -l") }
        // What only a command can use.
        if o.mode != .run, o.mode != .forgetCredentials,
           let option = seen.spelling(of: [.background, .closeFrom, .preserveGroups]) {
            throw refuse("\(modes.first!.1) and \(option) cannot be used together")
        }
        switch o.mode {
        case .help, .version, .check:
            let name = modes.first!.1
            if hasCommand { throw refuse("\(name) takes no command") }
            if !o.setEnvironment.isEmpty { throw refuse("\(name) takes no VAR=VALUE") }
            if o.shell || o.login { throw refuse("\(name) and \(o.shell ? "-s" : "-i") cannot be used together") }
        case .list:
            if o.shell || o.login { throw refuse("-l and \(o.shell ? "-s" : "-i") cannot be used together") }
        case .edit:
            // The editor runs as you, with your environment, on copies:
            // nothing that shapes a command's run applies.
            let name = modes.first!.1
            if let option = seen.spelling(of: [.shell, .login, .preserveAllEnvironment, .preserveEnvironment, .env, .chdir, .pty, .noPty]) {
                throw refuse("\(name) and \(option) cannot be used together")
            }
            if !o.setEnvironment.isEmpty { throw refuse("\(name) takes no VAR=VALUE (the editor gets your environment)") }
            if !hasCommand { throw refuse("\(name) needs at least one file to edit") }
        case .run, .forgetCredentials:
            if hasCommand || o.shell || o.login { break }
            if (seen.gave(.resetTimestamp) || seen.gave(.removeTimestamp)) && o.setEnvironment.isEmpty {
                o.mode = .forgetCredentials
                break
            }
            throw refuse("no command given")
        }
    }
}
