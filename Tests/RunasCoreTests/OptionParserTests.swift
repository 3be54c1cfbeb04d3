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
                      ["-h", "ls"], ["--version", "ls"], ["--shell=yes"]])
    func errors(_ words: [String]) {
        #expect(throws: Failure.self) { try parse(words) }
    }

    @Test func commandBytesPassedVerbatim() throws {
        let raw: [[UInt8]] = [Array("printf".utf8), [0xff, 0xfe, 0x5c, 0x00 + 0x41], Array("a\\b".utf8)]
        let o = try OptionParser.parse(raw)
        #expect(o.command == raw)
    }

    @Test func nonUTF8OptionRejected() {
        #expect(throws: Failure.self) { try OptionParser.parse([[0x2d, 0x75, 0xff], Array("x".utf8)]) }
    }
}
