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
    private enum Kind { case flag, value }

    private struct Spec {
        let short: Character?
        /// nil: no long form (-E: sudo's --preserve-env without a value
        /// would clash with runas's --preserve-env LIST).
        let long: String?
        let kind: Kind
        /// What apply() switches on.
        var key: String { long ?? String(short!) }
    }

    private static let specs: [Spec] = [
        Spec(short: "u", long: "user", kind: .value),
        Spec(short: "g", long: "group", kind: .value),
        Spec(short: "s", long: "shell", kind: .flag),
        Spec(short: "i", long: "login", kind: .flag),
        Spec(short: "H", long: "set-home", kind: .flag),
        Spec(short: "E", long: nil, kind: .flag),
        Spec(short: nil, long: "preserve-env", kind: .value),
        Spec(short: nil, long: "env", kind: .value),
        Spec(short: "D", long: "chdir", kind: .value),
        Spec(short: nil, long: "pty", kind: .flag),
        Spec(short: nil, long: "no-pty", kind: .flag),
        Spec(short: "n", long: "non-interactive", kind: .flag),
        Spec(short: "S", long: "stdin", kind: .flag),
        Spec(short: "A", long: "askpass", kind: .flag),
        Spec(short: "p", long: "prompt", kind: .value),
        Spec(short: "k", long: "reset-timestamp", kind: .flag),
        Spec(short: "K", long: "remove-timestamp", kind: .flag),
        Spec(short: "l", long: "list", kind: .flag),
        Spec(short: "U", long: "other-user", kind: .value),
        Spec(short: "e", long: "edit", kind: .flag),
        Spec(short: "b", long: "background", kind: .flag),
        Spec(short: "C", long: "close-from", kind: .value),
        Spec(short: "P", long: "preserve-groups", kind: .flag),
        Spec(short: "h", long: "help", kind: .flag),
        Spec(short: "v", long: "version", kind: .flag),
        Spec(short: "V", long: "version", kind: .flag),
        Spec(short: nil, long: "check", kind: .flag),
    ]

    /// What the words said beyond Options itself, for the final checks.
    private struct Seen {
        var modes: [(Options.Mode, String)] = []
        var resetTimestamp = false
        var removeTimestamp = false
        /// Options other than -K, as typed (sudo: -K stands alone).
        var others: [String] = []
        /// Every option given: its key (Spec.key) and how it was typed.
        var given: [(key: String, spelled: String)] = []

        func spelling(of keys: [String]) -> String? { given.first(where: { keys.contains($0.key) })?.spelled }
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
                guard let spec = specs.first(where: { $0.long == name }) else {
                    throw Failure("unknown option: --\(visible(name))" + hint)
                }
                switch spec.kind {
                case .flag:
                    if attached != nil { throw Failure("option --\(name) takes no value" + hint) }
                    try apply(spec, value: nil, to: &options, &seen, spelled: "--\(name)")
                case .value:
                    if let attached {
                        try apply(spec, value: attached, to: &options, &seen, spelled: "--\(name)")
                    } else {
                        try apply(spec, value: try nextValue(words, &i, option: "--\(name)"), to: &options, &seen, spelled: "--\(name)")
                    }
                }
            } else {
                var chars = Array(text.dropFirst())
                while !chars.isEmpty {
                    let c = chars.removeFirst()
                    guard let spec = specs.first(where: { $0.short == c }) else {
                        throw Failure("unknown option: -\(visible(String(c)))" + hint)
                    }
                    if spec.kind == .flag {
                        try apply(spec, value: nil, to: &options, &seen, spelled: "-\(c)")
                        continue
                    }
                    let value = chars.isEmpty ? try nextValue(words, &i, option: "-\(c)") : String(chars)
                    try apply(spec, value: value, to: &options, &seen, spelled: "-\(c)")
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
        _ spec: Spec, value: String?, to o: inout Options, _ seen: inout Seen, spelled: String
    ) throws(Failure) {
        if spec.key != "remove-timestamp" { seen.others.append(spelled) }
        seen.given.append((spec.key, spelled))
        switch spec.key {
        case "user": o.user = try nonEmpty(value, "--user")
        case "group": o.group = try nonEmpty(value, "--group")
        case "shell": o.shell = true
        case "login": o.login = true
        case "set-home": break  // HOME is always the target's
        case "E": o.preserveAllEnvironment = true
        case "non-interactive": o.nonInteractive = true
        case "stdin": o.passwordFromStdin = true
        case "askpass": o.askpass = true
        case "prompt": o.prompt = value ?? ""
        case "env":
            guard let a = EnvironmentAssignment(parsing: Array((value ?? "").utf8)) else {
                throw Failure("--env wants VAR=VALUE, got '\(visible(value ?? ""))'" + hint)
            }
            o.setEnvironment.append(a)
        case "preserve-env":
            for name in (value ?? "").split(separator: ",", omittingEmptySubsequences: true) {
                guard isVariableName(Array(name.utf8)) else {
                    throw Failure("--preserve-env: not a variable name: '\(visible(String(name)))'" + hint)
                }
                o.preserveEnvironment.append(String(name))
            }
        case "chdir": o.directory = try nonEmpty(value, "--chdir")
        case "pty": o.pty = true
        case "no-pty": o.pty = false
        case "reset-timestamp": seen.resetTimestamp = true
        case "remove-timestamp": seen.removeTimestamp = true
        case "list": seen.modes.append((.list, spelled))
        case "other-user": o.otherUser = try nonEmpty(value, "--other-user")
        case "edit": seen.modes.append((.edit, spelled))
        case "background": o.background = true
        case "close-from": o.closeFrom = try descriptorNumber(value)
        case "preserve-groups": o.preserveGroups = true
        case "help": seen.modes.append((.help, spelled))
        case "version": seen.modes.append((.version, spelled))
        case "check": seen.modes.append((.check, spelled))
        default: break
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
        if o.shell && o.login { throw refuse("-s and -i cannot be used together") }
        if o.login && o.directory != nil { throw refuse("-i and -D cannot be used together (-i runs in the target's home)") }
        if o.askpass && o.passwordFromStdin { throw refuse("-A and -S cannot be used together") }
        if seen.removeTimestamp && hasCommand { throw refuse("-K takes no command") }
        if seen.removeTimestamp, let other = seen.others.first {
            throw refuse("-K and \(other) cannot be used together")
        }
        if o.background, let pty = seen.spelling(of: ["pty"]) { throw refuse("-b and \(pty) cannot be used together") }
        if o.otherUser != nil && o.mode != .list { throw refuse("-U works only with -l") }
        // What only a command can use.
        if o.mode != .run, o.mode != .forgetCredentials,
           let option = seen.spelling(of: ["background", "close-from", "preserve-groups"]) {
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
            if let option = seen.spelling(of: ["shell", "login", "E", "preserve-env", "env", "chdir", "pty", "no-pty"]) {
                throw refuse("\(name) and \(option) cannot be used together")
            }
            if !o.setEnvironment.isEmpty { throw refuse("\(name) takes no VAR=VALUE (the editor gets your environment)") }
            if !hasCommand { throw refuse("\(name) needs at least one file to edit") }
        case .run, .forgetCredentials:
            if hasCommand || o.shell || o.login { break }
            if (seen.resetTimestamp || seen.removeTimestamp) && o.setEnvironment.isEmpty {
                o.mode = .forgetCredentials
                break
            }
            throw refuse("no command given")
        }
    }
}
