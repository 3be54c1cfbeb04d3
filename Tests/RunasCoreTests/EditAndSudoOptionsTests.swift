// EditAndSudoOptionsTests.swift: -e (and runasedit), -b, -C, -P, -U as
// parsed, the editor choice, and how a path to edit is split, all without
// running anything.
import Testing
@testable import RunasCore

private func parse(_ words: [String], asEditor: Bool = false) throws -> Options {
    try OptionParser.parse(words.map { Array($0.utf8) }, asEditor: asEditor)
}

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

@Suite struct EditAndSudoOptionsTests {
    @Test func editTakesFilesEvenAfterDoubleDash() throws {
        let o = try parse(["-u", "bob", "-e", "--", "A=1", "-x"])
        #expect(o.mode == .edit)
        #expect(o.user == "bob")
        #expect(o.command == [bytes("A=1"), bytes("-x")])
        #expect(o.setEnvironment.isEmpty)
    }

    @Test func runaseditMeansEdit() throws {
        #expect(try parse(["f"], asEditor: true).mode == .edit)
        #expect(try parse(["-h"], asEditor: true).mode == .help)
        #expect(throws: Failure("runasedit and -l cannot be used together (see 'runas --help')")) {
            try parse(["-l", "f"], asEditor: true)
        }
    }

    @Test func closeFromWantsThreeOrMore() throws {
        #expect(try parse(["-C", "3", "true"]).closeFrom == 3)
        #expect(try parse(["--close-from=2147483647", "true"]).closeFrom == Int32.max)
        for bad in ["2", "2147483648", "1e3", "+5", " 5"] {
            #expect(throws: Failure("-C wants a descriptor number of 3 or more, not '\(bad)' (see 'runas --help')")) {
                try parse(["-C", bad, "true"])
            }
        }
    }

    @Test func otherUserOnlyWithList() throws {
        #expect(try parse(["-l", "-U", "bob"]).otherUser == "bob")
        #expect(throws: Failure("-U works only with -l (see 'runas --help')")) { try parse(["-U", "bob", "id"]) }
    }

    @Test func backgroundAndGroupsAreForCommands() throws {
        let o = try parse(["-bP", "id"])
        #expect(o.background && o.preserveGroups)
        #expect(throws: Failure("-b and --pty cannot be used together (see 'runas --help')")) { try parse(["-b", "--pty", "id"]) }
        #expect(throws: Failure("-l and -C cannot be used together (see 'runas --help')")) { try parse(["-l", "-C", "5"]) }
    }

    @Test func editorChoice() throws {
        let env = [bytes("VISUAL="), bytes("EDITOR=vim -n  -c 'x'"), bytes("PATH=/a::/b")]
        let e = try EditorCommand.choose(environment: env)
        #expect(e.source == "EDITOR")
        #expect(e.words == [bytes("vim"), bytes("-n"), bytes("-c"), bytes("'x'")])
        #expect(e.candidates == [bytes("/a/vim"), bytes("vim"), bytes("/b/vim")])
        #expect(throws: Failure("SUDO_EDITOR may not contain '--' (the files to edit come only from runas's command line)",
                                log: "editor with '--' refused: SUDO_EDITOR=vi -- /etc/shadow")) {
            try EditorCommand.choose(environment: [bytes("SUDO_EDITOR=vi -- /etc/shadow"), bytes("EDITOR=vi")])
        }
        // "--x" is an option, not the end of options.
        #expect(try EditorCommand.choose(environment: [bytes("EDITOR=ed --x")]).words == [bytes("ed"), bytes("--x")])
        #expect(try EditorCommand.choose(environment: [bytes("EDITOR=./ed")]).candidates == [bytes("./ed")])
    }

    @Test func editPaths() throws {
        let p = try EditPath(bytes("b/./c.conf"), cwd: bytes("/etc/a"))
        #expect(p.directories == [bytes("etc"), bytes("a"), bytes("b")])
        #expect(p.name == bytes("c.conf"))
        #expect(p.directoryPath(0) == bytes("/") && p.directoryPath(2) == bytes("/etc/a"))
        #expect(throws: Failure("/etc/../x: a file to edit is named without '..'")) { try EditPath(bytes("/etc/../x"), cwd: []) }
        #expect(throws: Failure("/: is a directory")) { try EditPath(bytes("/"), cwd: []) }
        #expect(throws: Failure("/etc/: is a directory")) { try EditPath(bytes("/etc/"), cwd: []) }
        #expect(throws: Failure("/etc/passwd/.: is a directory")) { try EditPath(bytes("/etc/passwd/."), cwd: []) }
        #expect(throws: Failure(".: is a directory")) { try EditPath(bytes("."), cwd: bytes("/etc")) }
        #expect(throws: Failure("an empty name is no file to edit")) { try EditPath([], cwd: bytes("/etc")) }
    }
}
