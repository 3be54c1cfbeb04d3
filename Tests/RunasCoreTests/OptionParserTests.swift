// OptionParserTests.swift: the command line, parsed without running anything.
import Testing
@testable import RunasCore

private func parse(_ words: [String]) throws -> Options {
    try OptionParser.parse(words.map { Array($0.utf8) })
}

@Suite struct OptionParserTests {
    @Test func commandStopsParsing() throws {
        let o = try parse(["-u", "nobody", "ls", "-u", "--help"])
        #expect(o.user == "nobody")
        #expect(o.command == [Array("ls".utf8), Array("-u".utf8), Array("--help".utf8)])
        #expect(o.mode == .run)
    }

    /// Found by Fuzz/FuzzOptions: an unknown option's characters went into
    /// the error as they were, so "-<newline>" split the one-line error
    /// (and a terminal escape could reach the caller's terminal).
    @Test func unknownOptionsAreShownWithoutControlCharacters() {
        for (word, shown) in [("-\n", "-\\x0a"), ("--\u{1b}[2J", "--\\x1b[2J"), ("-a\u{7f}", "-a")] {
            #expect(throws: Failure("unknown option: \(shown) (see 'runas --help')")) { try parse([word, "x"]) }
        }
    }

    /// Found in review: C1 controls (U+009B is CSI to xterm) and bidi
    /// overrides went into messages and the log as they were.
    @Test func visibleEscapesC1AndBidiControls() {
        #expect(visible("a\u{9b}2J\u{85}\u{202e}b\u{2066}") == "a\\x9b2J\\x85\\u{202e}b\\u{2066}")
        #expect(visible("café ünïcode ✓") == "café ünïcode ✓")
    }

    @Test func doubleDashEndsOptions() throws {
        let o = try parse(["-n", "--", "-s"])
        #expect(o.nonInteractive)
        #expect(!o.shell)
        #expect(o.command == [Array("-s".utf8)])
    }

    @Test func valueForms() throws {
        #expect(try parse(["-uroot", "x"]).user == "root")
        #expect(try parse(["--user=root", "x"]).user == "root")
        #expect(try parse(["--user", "root", "x"]).user == "root")
        #expect(try parse(["-g", "#0", "x"]).group == "#0")
        #expect(try parse(["-D", "/tmp", "x"]).directory == "/tmp")
        #expect(try parse(["--chdir=/tmp", "x"]).directory == "/tmp")
    }

    @Test func combinedFlags() throws {
        let o = try parse(["-nSu", "bob", "x"])
        #expect(o.nonInteractive && o.passwordFromStdin && o.user == "bob")
    }

    @Test func environmentOptions() throws {
        let o = try parse(["--env", "A=1", "--env=B=x=y", "--preserve-env", "HOME,LANG", "x"])
        #expect(o.setEnvironment == [EnvironmentAssignment(name: "A", value: Array("1".utf8)),
                                     EnvironmentAssignment(name: "B", value: Array("x=y".utf8))])
        #expect(o.preserveEnvironment == ["HOME", "LANG"])
    }

    @Test func helpAndVersion() throws {
        #expect(try parse(["-h"]).mode == .help)
        #expect(try parse(["--help"]).mode == .help)
        #expect(try parse(["-v"]).mode == .version)
        #expect(try parse(["-V"]).mode == .version)
        #expect(try parse(["--version"]).mode == .version)
    }

    @Test func shellNeedsNoCommand() throws {
        #expect(try parse(["-s"]).shell)
    }

    @Test(arguments: [["-x", "ls"], ["--bogus", "ls"], ["-u"], ["--user"], ["-u", ""], ["--env", "NOEQUALS", "x"],
                      ["--env", "1A=x", "x"], ["--preserve-env", "A-B", "x"], [], ["-n"], ["--"],
                      ["-h", "ls"], ["--version", "ls"], ["--shell=yes"],
                      // mutually exclusive, or a command where none is taken
                      ["-s", "-i"], ["-si", "ls"], ["-i", "-D", "/tmp"], ["-AS", "x"], ["-K", "ls"],
                      ["-l", "--check"], ["-h", "-v"], ["--check", "ls"], ["-l", "-s"], ["-h", "-s"],
                      ["-v", "A=1"], ["--check=yes"], ["--preserve-env"], ["-E=x", "ls"], ["--E", "ls"],
                      // VAR=VALUE words alone are no command
                      ["A=1"], ["-n", "A=1", "B=2"], ["-k", "A=1"], ["--", "A=1"],
                      ["-D"], ["-p"], ["-g"], ["--env"], ["--chdir="], ["-u", "alice"]])
    func errors(_ words: [String]) {
        #expect(throws: Failure.self) { try parse(words) }
    }

    /// The spelling table is the one thing the compiler cannot check: no
    /// letter or long name may belong to two options, and each one typed
    /// finds its own option again.
    @Test func everySpellingNamesOneOption() {
        typealias Option = OptionParser.Option
        let letters = Option.allCases.flatMap { Array($0.spelling.short) }
        let longs = Option.allCases.compactMap { $0.spelling.long }
        #expect(Set(letters).count == letters.count)
        #expect(Set(longs).count == longs.count)
        for option in Option.allCases {
            #expect(!option.spelling.short.isEmpty || option.spelling.long != nil, "\(option) cannot be typed")
            for letter in option.spelling.short { #expect(Option(short: letter) == option) }
            if let long = option.spelling.long { #expect(Option(long: long) == option) }
        }
    }

    /// -B only rings the bell: it goes with every mode that may prompt,
    /// and with -A (no effect, as in sudo), but not with -S (as sudo-rs:
    /// that prompt goes to stderr, and no terminal rings).
    @Test func bellSpellings() throws {
        #expect(try parse(["-B", "x"]).bell)
        #expect(try parse(["--bell", "x"]).bell)
        #expect(try parse(["-Bn", "x"]).bell)
        #expect(try parse(["-B", "-e", "/etc/motd"]).bell)
        #expect(try parse(["-A", "-B", "x"]).bell)
        #expect(!(try parse(["x"]).bell))
        #expect(throws: Failure("option --bell takes no value (see 'runas --help')")) { try parse(["--bell=1", "x"]) }
        #expect(throws: Failure("-B and -S cannot be used together (see 'runas --help')")) { try parse(["-BS", "x"]) }
        #expect(throws: Failure("-B and -S cannot be used together (see 'runas --help')")) {
            try parse(["--stdin", "--bell", "x"])
        }
    }

    @Test func commandBytesPassedVerbatim() throws {
        let raw: [[UInt8]] = [Array("printf".utf8), [0xff, 0xfe, 0x5c, 0x00 + 0x41], Array("a\\b".utf8)]
        let o = try OptionParser.parse(raw)
        #expect(o.command == raw)
    }

    @Test func nonUTF8OptionRejected() {
        #expect(throws: Failure.self) { try OptionParser.parse([[0x2d, 0x75, 0xff], Array("x".utf8)]) }
    }

    @Test func loginAndShell() throws {
        let i = try parse(["-i"])
        #expect(i.login && !i.shell && i.mode == .run && i.command.isEmpty)
        let s = try parse(["--login", "echo", "hi"])
        #expect(s.login && s.command.count == 2)
        #expect(try parse(["--shell"]).shell)
    }

    @Test func compatibilityFlagsChangeNothing() throws {
        let plain = try parse(["id"])
        #expect(try parse(["-H", "id"]) == plain)
        #expect(try parse(["--set-home", "id"]) == plain)
        #expect(try parse(["-k", "id"]) == plain)
        #expect(try parse(["--reset-timestamp", "id"]) == plain)
    }

    @Test func forgetCredentialsAlone() throws {
        for words in [["-k"], ["-K"], ["--reset-timestamp"], ["--remove-timestamp"], ["-kn"]] {
            #expect(try parse(words).mode == .forgetCredentials, "\(words)")
        }
    }

    @Test func preserveAll() throws {
        #expect(try parse(["-E", "env"]).preserveAllEnvironment)
        #expect(try parse(["-nE", "env"]).preserveAllEnvironment)
        #expect(!(try parse(["env"]).preserveAllEnvironment))
    }

    @Test func variableWordsBeforeTheCommand() throws {
        let o = try parse(["-u", "bob", "A=1", "B=x y", "env", "C=3"])
        #expect(o.setEnvironment == [EnvironmentAssignment(name: "A", value: Array("1".utf8)),
                                     EnvironmentAssignment(name: "B", value: Array("x y".utf8))])
        #expect(o.command == [Array("env".utf8), Array("C=3".utf8)])
        // After "--" too (sudo's rule); a word that is no valid name starts the command.
        #expect(try parse(["--", "A=1", "env"]).setEnvironment.count == 1)
        #expect(try parse(["1A=1", "env"]).command.count == 2)
        #expect(try parse(["./A=1"]).command == [Array("./A=1".utf8)])
        // With -s or -i, variables alone are fine.
        #expect(try parse(["-s", "A=1"]).setEnvironment.count == 1)
        // Values are bytes, not necessarily UTF-8.
        let raw = try OptionParser.parse([[0x41, 0x3d, 0xff], Array("env".utf8)])
        #expect(raw.setEnvironment == [EnvironmentAssignment(name: "A", value: [0xff])])
    }

    @Test func modes() throws {
        #expect(try parse(["-l"]).mode == .list)
        #expect(try parse(["--list", "id"]).mode == .list)
        #expect(try parse(["-l", "-u", "bob", "id"]).user == "bob")
        #expect(try parse(["--check"]).mode == .check)
        #expect(try parse(["-h", "-h"]).mode == .help)
        #expect(try parse(["-v", "-V"]).mode == .version)
    }

    @Test func errorsCarryTheHint() {
        for words in [["-x"], ["-s", "-i"], ["-K", "ls"], ["-u"]] {
            do {
                _ = try parse(words)
                Issue.record("\(words) parsed")
            } catch let error as Failure {
                #expect(error.message.hasSuffix(" (see 'runas --help')"), "\(error.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test func pseudoTerminalChoice() throws {
        #expect(try parse(["id"]).pty == nil)
        #expect(try parse(["--pty", "id"]).pty == true)
        #expect(try parse(["--no-pty", "id"]).pty == false)
        #expect(try parse(["--pty", "--no-pty", "id"]).pty == false)  // the last one wins
        #expect(throws: Failure.self) { try parse(["--no-pty=1", "id"]) }
    }
}
