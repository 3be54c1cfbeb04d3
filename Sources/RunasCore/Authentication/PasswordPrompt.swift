// PasswordPrompt.swift: reads one password: on the terminal (/dev/tty,
// opened by runas itself, echo off), or with -S one line of standard input,
// or with -A from the askpass helper's output.
//
// On the terminal: typeahead is discarded before the prompt appears; echo
// is put back on every way out. A signal that would end the process (^C,
// SIGTERM, SIGHUP, ^\, SIGUSR1, SIGALRM, SIGXCPU, ...: every one but
// SIGKILL) first restores the terminal, discarding a half-typed password,
// then takes effect; a stop (^Z, SIGTTIN, SIGTTOU) restores the terminal,
// stops, and after SIGCONT prompts again (prompt_signals.c).
import CRunasLibc
import CRunasSupport
import SystemEdge

public enum PasswordSource: Sendable, Equatable {
    case terminal
    case standardInput
    /// -A: the helper's absolute path, run as the caller with this environment.
    case askpass(program: [UInt8], environment: [[UInt8]])
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
        case .terminal:
            guard let tty = try? FileDescriptor.open("/dev/tty", O_RDWR | O_NOCTTY) else {
                throw Failure("a terminal is required to read the password: use -S to read it from standard input, or -A")
            }
            return try readFromTerminal(fd: tty.rawValue, prompt: prompt, echo: echo)
        }
    }

    /// Shows a message from the authentication stack where the prompt goes.
    public static func show(_ message: String, on source: PasswordSource) {
        let text = visible(message) + "\n"
        if source == .terminal {
            if let tty = try? FileDescriptor.open("/dev/tty", O_WRONLY | O_NOCTTY) { writeAll(tty.rawValue, text); return }
        }
        writeAll(2, text)
    }

    /// (`timeout`: the unit test's shorter wait; a run always has the default.)
    static func readFromTerminal(
        fd: Int32, prompt: String, echo: Bool, timeout: Int32 = timeoutMilliseconds
    ) throws(Failure) -> Secret? {
        while true {
            var saved = termios()
            guard tcgetattr(fd, &saved) == 0 else {
                let error = Errno.current
                throw Failure("cannot read terminal settings: \(error.description)")
            }
            var asking = saved
            if !echo { asking.c_lflag &= ~tcflag_t(ECHO | ECHONL) }
            // The handlers are in place before echo goes off.
            runas_prompt_signals_catch()
            // TCSAFLUSH: typeahead from before the prompt is not the password.
            // From a background job this stops runas (SIGTTOU), as it should.
            var early: Int32 = 0
            let changed = runas_prompt_set_terminal(fd, &asking, &early)
            switch changed {
            case 0: break
            case 2, 3:
                // 3: the signal came after echo went off: put it back.
                if changed == 3 { restore(fd, &saved, discardInput: true, echoNewline: false) }
                runas_prompt_signals_release(early)
                if isStop(early) { continue }
                throw Failure("interrupted")
            default:
                let error = Errno.current
                runas_prompt_signals_release(0)
                throw Failure("cannot turn off echo on the terminal: \(error.description)")
            }
            writeAll(fd, prompt)
            let outcome: LineOutcome
            do {
                outcome = try readLine(fd: fd, timeout: timeout)
            } catch {
                restore(fd, &saved, discardInput: true, echoNewline: !echo)
                runas_prompt_signals_release(0)
                throw error
            }
            switch outcome {
            case .line, .endOfInput:
                restore(fd, &saved, discardInput: false, echoNewline: !echo)
                runas_prompt_signals_release(0)
                return outcome.secret()
            case .signal(let signal):
                // A half-typed password is discarded, never left for the shell.
                restore(fd, &saved, discardInput: true, echoNewline: true)
                runas_prompt_signals_release(signal)
                // Still here: it was a stop and we were continued (or the
                // stop was discarded): ask again from the start.
                if isStop(signal) { continue }
                throw Failure("interrupted")
            }
        }
    }

    static func isStop(_ signal: Int32) -> Bool { signal == SIGTSTP || signal == SIGTTIN || signal == SIGTTOU }

    private static func restore(_ fd: Int32, _ saved: inout termios, discardInput: Bool, echoNewline: Bool) {
        tcsetattr(fd, discardInput ? TCSAFLUSH : TCSADRAIN, &saved)
        if echoNewline { writeAll(fd, "\n") }
    }

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
            let left = deadline - MonotonicClock.milliseconds()
            if left <= 0 { throw Failure("timed out reading the password") }
            var signal: Int32 = 0
            switch runas_prompt_wait(fd, Int32(left), &signal) {
            case 0: throw Failure("timed out reading the password")
            case 2: return .signal(signal)
            case 3: continue
            case -1:
                let error = Errno.current
                if error == .interrupted { continue }
                throw Failure("cannot read the password: \(error.description)")
            default: break
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
