// AuthenticationPartsTests.swift: the pieces around authentication that
// need no privilege: prompt text, option parsing for -p/-A, the askpass
// variable, the log line, the bounded line reader and its timeout, and
// reading a backend record of either ABI minor version.
import CRunasLibc
import Testing
import CRunasBackendABI
import CRunasSupport
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
    func text(_ s: LogSubject, _ reason: String?) -> String { visible(SystemLog.line(s, reason: reason)) }

    @Test func sudoShape() {
        let s = LogSubject(user: "alice", tty: "/dev/pts/3", cwd: Array("/home/alice".utf8), target: "root",
                           command: Array("/usr/bin/id -u".utf8))
        #expect(text(s, nil) == "alice : TTY=pts/3 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u")
        #expect(text(s, "3 incorrect password attempts") ==
                "alice : 3 incorrect password attempts ; TTY=pts/3 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u")
        var noTTY = s
        noTTY.tty = nil
        #expect(text(noTTY, nil).contains("TTY=unknown ;"))
    }

    /// A typed escape and the byte it names log differently: "\\" is
    /// "\\x5c" in every field and in the command.
    @Test func backslashesAreEscapedSoEscapesCannotBeForged() {
        func logged(_ value: String) -> String {
            text(LogSubject(user: "alice", tty: nil, cwd: Array("/".utf8), target: "root",
                            environment: Array("X=\(value)".utf8), command: Array("printf \(value)".utf8)), nil)
        }
        #expect(logged("a;b") == "alice : TTY=unknown ; PWD=/ ; USER=root ; ENV=X=a\\x3bb ; COMMAND=printf a;b")
        #expect(logged("a\\x3bb") ==
                "alice : TTY=unknown ; PWD=/ ; USER=root ; ENV=X=a\\x5cx3bb ; COMMAND=printf a\\x5cx3bb")
        #expect(logged("\u{1b}") != logged("\\x1b"))
    }

    /// Issue 14: a line too long for one record goes on in more records;
    /// nothing is cut off, whatever the caller makes long.
    @Test func longLinesGoOnInMoreRecordsSplitAtSpaces() {
        let s = LogSubject(user: "alice", tty: nil, cwd: Array("/srv".utf8), target: "root",
                           command: Array(("/bin/echo" + String(repeating: " word", count: 600) + "   payload").utf8))
        let line = text(s, nil)
        let records = SystemLog.records(line, user: "alice")
        #expect(records.count == 4)
        #expect(records.allSatisfy { $0.utf8.count <= SystemLog.maximumLength })
        #expect(records.dropFirst().allSatisfy { $0.hasPrefix("alice : (command continued) ") })
        #expect(records.last!.hasSuffix(" payload"))
        let bodies = records.dropFirst().map { String($0.dropFirst("alice : (command continued) ".count)) }
        #expect(([records[0]] + bodies).joined(separator: " ") == line)
    }

    @Test func aWordLongerThanARecordIsCutAtACharacter() {
        let word = String(repeating: "é", count: 1000)    // 2000 bytes, no space
        let records = SystemLog.records("alice : " + word, user: "alice")
        #expect(records.count == 4)   // "alice :", then the word in three records
        #expect(records.allSatisfy { $0.utf8.count <= SystemLog.maximumLength && !$0.contains("\u{fffd}") })
        let bodies = records.dropFirst().map { String($0.dropFirst("alice : (command continued) ".count)) }
        #expect(records[0] + " " + bodies.joined() == "alice : " + word)
    }

    /// Found by Fuzz/FuzzLogLine (its check, not the records, was wrong): a
    /// continuation starting with a combining mark still starts with the
    /// prefix's bytes, though as Characters the prefix's last space and the
    /// mark are one.
    @Test func aContinuationMayStartWithACombiningMark() {
        let line = "alice : " + String(repeating: "a", count: 880) + " \u{35B}x" + String(repeating: "b", count: 100)
        let records = SystemLog.records(line, user: "alice")
        #expect(records.count == 2)
        #expect(Array(records[1].utf8).starts(with: Array("alice : (command continued) \u{35B}x".utf8)))
        #expect(!records[1].hasPrefix("alice : (command continued) "))
    }

    @Test func shortLinesAreOneRecord() {
        #expect(SystemLog.records("alice : x", user: "alice") == ["alice : x"])
    }

    @Test func bytesAreEscapedNotReplaced() {
        #expect(visible([0x61, 0xff, 0x1b, 0xe2, 0x80, 0xae, 0xc3, 0xa9, 0xe2, 0x80]) == "a\\xff\\x1b\\u{202e}é\\xe2\\x80")
    }
}

@Suite struct GuessThrottleTests {
    @Test func threeFreeThenDoubling() {
        #expect((0...9).map { GuessThrottle.wait(afterFailures: $0) } == [0, 0, 0, 10, 20, 40, 80, 160, 320, 600])
        #expect(GuessThrottle.wait(afterFailures: 100) == 600)
        #expect(GuessThrottle.wait(afterFailures: Int.max) == 600)
    }

    @Test func recordText() {
        let t = GuessThrottle.Tally(failures: 4, last: 1234)
        #expect(t.text == Array("0000000004 00000000000000001234\n".utf8))
        #expect(t.text.count == GuessThrottle.Tally.recordLength)
        #expect(GuessThrottle.Tally(parsing: t.text) == t)
        #expect(GuessThrottle.Tally(failures: 0, last: 0).text.count == GuessThrottle.Tally.recordLength)
        #expect(GuessThrottle.Tally(failures: Int.max, last: Int.max).text.count == GuessThrottle.Tally.recordLength)
    }

    /// Found in review: an empty or unreadable record read as clean, so a
    /// run that left it empty gave every guess back. It counts as three.
    @Test func unreadableRecordsAreNotClean() {
        let three = GuessThrottle.Tally(failures: GuessThrottle.freeTries, last: 0)
        for junk in ["", "junk", "-1 5\n", "4", "4 5 6", "+4 5", "99999999999999999999999 1", "4 99999999999999999999"] {
            #expect(GuessThrottle.Tally(parsing: Array(junk.utf8)) == three, "\(junk)")
        }
    }

    @Test func secondsLeft() {
        let t = GuessThrottle.Tally(failures: 4, last: 100)
        #expect(t.secondsLeft(now: 105) == 15)
        #expect(t.secondsLeft(now: 120) == 0)
        #expect(t.secondsLeft(now: 50) == 20)   // a clock before the last try: wait in full
        #expect(GuessThrottle.Tally(failures: 9, last: 999_999_999_999).secondsLeft(now: Int.max) == 0)
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

/// The sudo-rs GHSA-q428 class: a prompt that times out must not leave the
/// half-typed password in the terminal's input for the shell to read next.
/// (A signal at the prompt is the end-to-end tests' part, on a real
/// terminal: Tests/e2e/authentication/test_prompt.py. The 5-minute timeout is tested here,
/// on a real pseudo-terminal, with a shorter wait.)
@Suite struct PromptTimeoutTests {
    @Test func aTimedOutPromptLeavesNothingTypedAndEchoOn() throws {
        let master = posix_openpt(O_RDWR | O_NOCTTY)
        #expect(master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0)
        let slave = libc_open(ptsname(master), O_RDWR | O_NOCTTY, 0)
        #expect(slave >= 0)
        defer { close(slave); close(master) }
        // Typed after the prompt appeared (the prompt flushes what came before).
        // A child types once the prompt shows (it is written after the
        // typeahead flush), so nothing but read, write and _exit runs after
        // fork, and no timing is assumed.
        let typed = Array("half-typed".utf8)
        var shown = [UInt8](repeating: 0, count: 64)
        let typer = fork()
        if typer == 0 {
            var got = 0
            while got < 10 {   // "Password: "
                let n = shown.withUnsafeMutableBytes { read(master, $0.baseAddress! + got, 64 - got) }
                if n <= 0 { _exit(1) }
                got += n
            }
            _ = typed.withUnsafeBytes { write(master, $0.baseAddress!, $0.count) }
            _exit(0)
        }
        #expect(throws: Failure("timed out reading the password")) {
            try PasswordPrompt.readFromTerminal(fd: slave, prompt: "Password: ", echo: false, timeout: 300)
        }
        var status: Int32 = 0
        #expect(waitpid(typer, &status, 0) == typer && status == 0)
        var settings = termios()
        #expect(tcgetattr(slave, &settings) == 0 && settings.c_lflag & tcflag_t(ECHO) != 0)
        // What the shell would read next: only what is typed now.
        _ = Array("next\n".utf8).withUnsafeBytes { write(master, $0.baseAddress!, $0.count) }
        var line = [UInt8](repeating: 0, count: 64)
        let n = read(slave, &line, 64)
        #expect(String(decoding: line.prefix(max(n, 0)), as: UTF8.self) == "next\n")
    }
}

@Suite struct BackendRecordTests {
    func record(size: Int, flags: UInt32) -> UnsafeMutablePointer<runas_backend> {
        let p = UnsafeMutablePointer<runas_backend>.allocate(capacity: 1)
        p.initialize(to: runas_backend(
            magic: RUNAS_BACKEND_MAGIC, abi_major: 1, abi_minor: size < MemoryLayout<runas_backend>.size ? 0 : 1,
            struct_size: UInt32(size), name: nil, version: nil, run: nil, flags: flags,
            program_options: UnsafePointer(Self.options)))
        return p
    }

    nonisolated(unsafe) static let options: UnsafeMutablePointer<UnsafePointer<CChar>?> = {
        let list = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: 2)
        list[0] = UnsafePointer(strdup("--wait")!)
        list[1] = nil
        return list
    }()

    @Test func programOptionsOnlyWhenTheRecordHasThem() {
        let full = record(size: MemoryLayout<runas_backend>.size, flags: 0)
        let older = record(size: MemoryLayout<runas_backend>.offset(of: \runas_backend.program_options)!, flags: 0)
        defer { full.deallocate(); older.deallocate() }
        #expect(runas_backend_record_program_options(full) != nil)
        #expect(runas_backend_record_program_options(older) == nil)
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
