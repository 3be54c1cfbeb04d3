// AuthenticationPartsTests.swift: the pieces around authentication that
// need no privilege: prompt text, option parsing for -p/-A, the askpass
// variable, the log line, the bounded line reader and its timeout, and
// reading a backend record of either ABI minor version.
#if canImport(Glibc)
import Glibc
#endif
import Testing
import CRunasBackendABI
@testable import RunasCore

private func parse(_ words: [String]) throws -> Options {
    try OptionParser.parse(words.map { Array($0.utf8) })
}

@Suite struct PromptTextTests {
    @Test func defaultText() {
        #expect(PromptText.make(template: nil, caller: "alice", target: "root", hostName: "h") ==
                "[runas] password for alice: ")
    }

    @Test func sudoEscapes() {
        #expect(PromptText.make(template: "%u>%U@%h/%H %p %% %x %", caller: "alice", target: "bob",
                                hostName: "box.example.org") ==
                "alice>bob@box/box.example.org alice % %x %")
    }

    @Test func optionWinsOverEnvironment() {
        let env = [Array("RUNAS_PROMPT=from env".utf8)]
        #expect(PromptText.template(option: "from option", environment: env) == "from option")
        #expect(PromptText.template(option: nil, environment: env) == "from env")
        #expect(PromptText.template(option: nil, environment: []) == nil)
        #expect(PromptText.template(option: "", environment: env) == "")
    }
}

@Suite struct PasswordOptionTests {
    @Test func promptAndAskpass() throws {
        let o = try parse(["-A", "-p", "pw: ", "true"])
        #expect(o.askpass)
        #expect(o.prompt == "pw: ")
        #expect(try parse(["--prompt=", "true"]).prompt == "")
        #expect(try parse(["--askpass", "true"]).askpass)
    }

    @Test func askpassAndStdinConflict() {
        #expect(throws: Failure.self) { try parse(["-A", "-S", "true"]) }
    }

    @Test func askpassProgramFromEnvironment() throws {
        let env = [Array("SUDO_ASKPASS=/usr/bin/ssh-askpass".utf8)]
        #expect(try AskpassHelper.program(in: env) == Array("/usr/bin/ssh-askpass".utf8))
        let both = [Array("SUDO_ASKPASS=/b".utf8), Array("RUNAS_ASKPASS=/a".utf8)]
        #expect(try AskpassHelper.program(in: both) == Array("/a".utf8))
        #expect(throws: Failure.self) { try AskpassHelper.program(in: [Array("RUNAS_ASKPASS=rel".utf8)]) }
        #expect(throws: Failure.self) { try AskpassHelper.program(in: []) }
    }
}

@Suite struct LogLineTests {
    @Test func sudoShape() {
        let s = LogSubject(user: "alice", tty: "/dev/pts/3", cwd: "/home/alice", target: "root",
                           command: "/usr/bin/id -u")
        #expect(SystemLog.line(s, reason: nil) ==
                "alice : TTY=pts/3 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u")
        #expect(SystemLog.line(s, reason: "3 incorrect password attempts") ==
                "alice : 3 incorrect password attempts ; TTY=pts/3 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u")
        var noTTY = s
        noTTY.tty = nil
        #expect(SystemLog.line(noTTY, reason: nil).contains("TTY=unknown ;"))
    }

    /// Found in review: a long ENV= (or PWD=) pushed COMMAND= past the
    /// line's limit, so the log did not say what ran.
    @Test func commandSurvivesLongCallerFields() {
        var s = LogSubject(user: "alice", tty: nil, cwd: "/" + String(repeating: "d", count: 2000), target: "root",
                           command: "/bin/sh -c true")
        s.environment = "X=" + String(repeating: "a", count: 5000)
        let line = SystemLog.line(s, reason: "3 incorrect password attempts")
        #expect(line.utf8.count < SystemLog.maximumLength)
        #expect(line.hasSuffix("COMMAND=/bin/sh -c true"))
        #expect(line.contains("ENV=X=aaa") && line.contains("a... ; COMMAND="))
    }
}

@Suite struct LineReaderTests {
    func pipeWith(_ bytes: [UInt8], close writeEnd: Bool = true) -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        _ = pipe(&fds)
        _ = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress!, $0.count) }
        if writeEnd { close(fds[1]) }
        return (fds[0], fds[1])
    }

    @Test func oneLineAndNothingMore() throws {
        let (r, _) = pipeWith(Array("secret\tword\nnext line\n".utf8))
        defer { close(r) }
        guard case .line(let s) = try PasswordPrompt.readLine(fd: r) else { Issue.record("no line"); return }
        #expect(String(cString: s.cString) == "secret\tword")
        var rest = [UInt8](repeating: 0, count: 64)
        #expect(read(r, &rest, 64) == 10)   // "next line\n" is left for the command
    }

    @Test func endOfInputWithNothingTyped() throws {
        let (r, _) = pipeWith([])
        defer { close(r) }
        guard case .endOfInput = try PasswordPrompt.readLine(fd: r) else { Issue.record("expected EOF"); return }
    }

    @Test func overlongInputOverflowsInsteadOfTruncating() throws {
        let (r, _) = pipeWith(Array(repeating: UInt8(ascii: "x"), count: Secret.capacity + 1) + [10])
        defer { close(r) }
        guard case .line(let s) = try PasswordPrompt.readLine(fd: r) else { Issue.record("no line"); return }
        #expect(s.overflowed)
    }

    @Test func timesOut() throws {
        let (r, w) = pipeWith(Array("partial".utf8), close: false)
        defer { close(r); close(w) }
        #expect(throws: Failure("timed out reading the password")) {
            try PasswordPrompt.readLine(fd: r, timeout: 100)
        }
    }
}

@Suite struct BackendRecordTests {
    func record(size: Int, flags: UInt32) -> UnsafeMutablePointer<runas_backend> {
        let p = UnsafeMutablePointer<runas_backend>.allocate(capacity: 1)
        p.initialize(to: runas_backend(
            magic: RUNAS_BACKEND_MAGIC, abi_major: 1, abi_minor: size < MemoryLayout<runas_backend>.size ? 0 : 1,
            struct_size: UInt32(size), name: nil, version: nil, run: nil, flags: flags))
        return p
    }

    @Test func flagsOnlyWhenTheRecordHasThem() {
        let full = record(size: MemoryLayout<runas_backend>.size, flags: RUNAS_BACKEND_WAITS_FOR_COMMAND.rawValue)
        let old = record(size: MemoryLayout<runas_backend>.offset(of: \runas_backend.flags)!,
                         flags: RUNAS_BACKEND_WAITS_FOR_COMMAND.rawValue)
        defer { full.deallocate(); old.deallocate() }
        #expect(LoadedBackend(path: "/x", descriptor: full).waitsForCommand)
        #expect(!LoadedBackend(path: "/x", descriptor: old).waitsForCommand)
        #expect(LoadedBackend(path: "/x", descriptor: old).abi == "1.0")
        #expect(LoadedBackend(path: "/x", descriptor: old).name == "unnamed")
        #expect(LoadedBackend(path: "/x", descriptor: full).version == "unknown")
    }
}
