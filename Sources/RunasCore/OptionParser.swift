// OptionParser.swift: the sudo-like command line, parsed by hand.
//
// Options come first; parsing stops at "--" or at the first word that is
// not an option, and every word from there on belongs to the command, byte
// for byte. Option words themselves must be UTF-8. Short options combine
// ("-nS") and take values attached or separate ("-uroot", "-u root"); long
// options take "--user=root" or "--user root".

public enum OptionParser {
    private enum Kind { case flag, value }

    private struct Spec {
        let short: Character?
        let long: String
        let kind: Kind
    }

    private static let specs: [Spec] = [
        Spec(short: "u", long: "user", kind: .value),
        Spec(short: "g", long: "group", kind: .value),
        Spec(short: "s", long: "shell", kind: .flag),
        Spec(short: "n", long: "non-interactive", kind: .flag),
        Spec(short: "S", long: "stdin", kind: .flag),
        Spec(short: "A", long: "askpass", kind: .flag),
        Spec(short: "p", long: "prompt", kind: .value),
        Spec(short: nil, long: "env", kind: .value),
        Spec(short: nil, long: "preserve-env", kind: .value),
        Spec(short: "D", long: "chdir", kind: .value),
        Spec(short: "h", long: "help", kind: .flag),
        Spec(short: "v", long: "version", kind: .flag),
        Spec(short: "V", long: "version", kind: .flag),
    ]

    static let hint = " (see 'runas --help')"

    /// Parses argv without argv[0].
    public static func parse(_ words: [[UInt8]]) throws(Failure) -> Options {
        var options = Options()
        var i = 0
        while i < words.count {
            let word = words[i]
            if word == Array("--".utf8) {
                i += 1
                break
            }
            guard word.count > 1, word[0] == UInt8(ascii: "-") else { break }
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
                    throw Failure("unknown option: --\(name)" + hint)
                }
                switch spec.kind {
                case .flag:
                    if attached != nil { throw Failure("option --\(name) takes no value" + hint) }
                    try apply(spec, value: nil, to: &options)
                case .value:
                    if let attached {
                        try apply(spec, value: attached, to: &options)
                    } else {
                        try apply(spec, value: try nextValue(words, &i, option: "--\(name)"), to: &options)
                    }
                }
            } else {
                var chars = Array(text.dropFirst())
                while !chars.isEmpty {
                    let c = chars.removeFirst()
                    guard let spec = specs.first(where: { $0.short == c }) else {
                        throw Failure("unknown option: -\(c)" + hint)
                    }
                    if spec.kind == .flag {
                        try apply(spec, value: nil, to: &options)
                        continue
                    }
                    let value = chars.isEmpty ? try nextValue(words, &i, option: "-\(c)") : String(chars)
                    try apply(spec, value: value, to: &options)
                    chars = []
                }
            }
        }
        options.command = Array(words[i...])
        try check(options)
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

    private static func apply(_ spec: Spec, value: String?, to o: inout Options) throws(Failure) {
        switch spec.long {
        case "user": o.user = try nonEmpty(value, "--user")
        case "group": o.group = try nonEmpty(value, "--group")
        case "shell": o.shell = true
        case "non-interactive": o.nonInteractive = true
        case "stdin": o.passwordFromStdin = true
        case "askpass": o.askpass = true
        case "prompt": o.prompt = value ?? ""
        case "env":
            guard let a = EnvironmentAssignment(parsing: Array((value ?? "").utf8)) else {
                throw Failure("--env wants VAR=VALUE, got '\(value ?? "")'" + hint)
            }
            o.setEnvironment.append(a)
        case "preserve-env":
            for name in (value ?? "").split(separator: ",", omittingEmptySubsequences: true) {
                guard isVariableName(Array(name.utf8)) else {
                    throw Failure("--preserve-env: not a variable name: '\(name)'" + hint)
                }
                o.preserveEnvironment.append(String(name))
            }
        case "chdir": o.directory = try nonEmpty(value, "--chdir")
        case "help": o.mode = .help
        case "version": o.mode = .version
        default: break
        }
    }

    private static func nonEmpty(_ value: String?, _ option: String) throws(Failure) -> String {
        guard let value, !value.isEmpty else { throw Failure("option \(option) requires a value" + hint) }
        return value
    }

    private static func check(_ o: Options) throws(Failure) {
        switch o.mode {
        case .help, .version:
            if !o.command.isEmpty {
                throw Failure("--\(o.mode == .help ? "help" : "version") takes no command" + hint)
            }
        case .run:
            if o.askpass && o.passwordFromStdin {
                throw Failure("-A and -S cannot be used together" + hint)
            }
            if o.command.isEmpty && !o.shell {
                throw Failure("no command given" + hint)
            }
        }
    }
}
