// PasswordPrompt.swift: reads one password: on the terminal (/dev/tty,
// opened by runas itself, echo off), or with -S one line of standard input,
// or with -A from the askpass helper's output.
//
// On the terminal: typeahead is discarded before the prompt appears; echo
// is put back on every way out. A signal that would end the process (^C,
// SIGTERM, SIGHUP, ^\, SIGUSR1, SIGALRM, SIGXCPU, ...: every one but
// SIGKILL) first restores the terminal, discarding a half-typed password,
// then takes effect; a stop (^Z, SIGTTIN, SIGTTOU) restores the terminal,
// stops, and after SIGCONT prompts again (PromptTerminal.swift).
import CRunasLibc
import CRunasSupport
import SystemEdge

public enum PasswordSource: Sendable, Equatable {
    /// `bell`: -B, the bell rings before each prompt (on the terminal only:
    /// -A's helper shows its own, and -B with -S is refused).
    case terminal(bell: Bool)
    case standardInput
    /// -A: the helper's absolute path, run as the caller with this environment.
    case askpass(program: [UInt8], environment: [[UInt8]])

    var isTerminal: Bool {
        if case .terminal = self { return true }
        return false
    }
}

public enum PasswordPrompt {
    /// How long a prompt waits for its line.
    static let timeoutMilliseconds: Int32 = 5 * 60 * 1000

    /// Reads one password. nil means end of input before anything was typed.
    public static func read(prompt: String, from source: PasswordSource, echo: Bool = false) throws(Failure) -> Secret? {
        switch source {
        case .standardInput:
            writeAll(2, prompt)
            defer { writeAll(2, "\n") }
            return try readLine(fd: 0).secret()
        case .askpass(let program, let environment):
            return try AskpassHelper.read(prompt: prompt, program: program, environment: environment)
        case .terminal(let bell):
            guard let tty = try? FileDescriptor.open("/dev/tty", O_RDWR | O_NOCTTY) else {
                throw Failure("a terminal is required to read the password: use -S to read it from standard input, or -A")
            }
            return try readFromTerminal(fd: tty.rawValue, prompt: prompt, echo: echo, bell: bell)
        }
    }

    /// Shows a message from the authentication stack where the prompt goes.
    public static func show(_ message: String, on source: PasswordSource) {
        let text = visible(message) + "\n"
        if source.isTerminal {
            if let tty = try? FileDescriptor.open("/dev/tty", O_WRONLY | O_NOCTTY) { writeAll(tty.rawValue, text); return }
        }
        writeAll(2, text)
    }

    /// (`timeout`: the unit test's shorter wait; a run always has the default.)
    static func readFromTerminal(
        fd: Int32, prompt: String, echo: Bool, bell: Bool = false, timeout: Int32 = timeoutMilliseconds
    ) throws(Failure) -> Secret? {
        while true {
            let terminal = try PromptTerminal(fd, echo: echo)
            switch terminal.take() {
            case .taken: break
            case .signal(let signal):
                if isStop(signal) { continue }
                throw Failure("interrupted")
            case .failed(let error):
                throw Failure("cannot turn off echo on the terminal: \(error.description)")
            }
            writeAll(fd, bell ? "\u{07}" + prompt : prompt)
            let outcome: LineOutcome
            do {
                outcome = try readLine(fd: fd, timeout: timeout)
            } catch {
                terminal.giveBack(discardingInput: true, newline: !echo)
                throw error
            }
            switch outcome {
            case .line, .endOfInput:
                terminal.giveBack(discardingInput: false, newline: !echo)
                return outcome.secret()
            case .signal(let signal):
                // A half-typed password is discarded, never left for the shell.
                terminal.giveBack(discardingInput: true, newline: true, resending: signal)
                // Still here: it was a stop and we were continued (or the
                // stop was discarded): ask again from the start.
                if isStop(signal) { continue }
                throw Failure("interrupted")
            }
        }
    }

    static func isStop(_ signal: Int32) -> Bool { signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU }

    enum LineOutcome {
        case line(Secret)
        case endOfInput
        case signal(Int32)

        func secret() -> Secret? {
            if case .line(let s) = self { return s }
            return nil
        }
    }

    /// One line, a byte at a time (so nothing after the newline is taken
    /// from a stdin the command will read), bounded (Secret), within the
    /// timeout. A caught prompt signal ends the wait.
    static func readLine(fd: Int32, timeout: Int32 = timeoutMilliseconds) throws(Failure) -> LineOutcome {
        let secret = Secret()
        var sawAnything = false
        var byte: UInt8 = 0
        let deadline = MonotonicClock.milliseconds() + Int64(timeout)
        while true {
            switch PromptTerminal.waitForInput(fd, until: deadline) {
            case .ready: break
            case .timedOut: throw Failure("timed out reading the password")
            case .signal(let signal): return .signal(signal)
            case .failed(let error): throw Failure("cannot read the password: \(error.description)")
            }
            let n: Int
            do throws(Errno) { n = try retryingOnInterrupt { CRunasLibc.read(fd, &byte, 1) } } catch {
                if error == .wouldBlock { continue }
                throw Failure("cannot read the password: \(error.description)")
            }
            if n == 0 { return sawAnything ? .line(secret) : .endOfInput }
            sawAnything = true
            if byte == UInt8(ascii: "\n") { return .line(secret) }
            secret.append(byte)
        }
    }
}
