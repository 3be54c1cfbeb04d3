// PasswordPrompt.swift: asks for a password on the terminal (/dev/tty,
// opened by runas itself, echo off) or, with -S, reads one line from
// standard input. Terminal settings are restored on every way out,
// including the signals that end the process.
#if canImport(Glibc)
import Glibc
#endif

public enum PasswordSource: Sendable { case terminal, standardInput }

public enum PasswordPrompt {
    /// How long the prompt waits for a line.
    static let timeoutMilliseconds: Int32 = 5 * 60 * 1000

    /// Reads one password. nil means end of input before anything was typed.
    public static func read(prompt: String, from source: PasswordSource, echo: Bool = false) throws(Failure) -> Secret? {
        switch source {
        case .standardInput:
            writeAll(2, prompt)
            defer { writeAll(2, "\n") }
            return try readLine(fd: 0)
        case .terminal:
            let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
            guard fd >= 0 else {
                throw Failure("a terminal is required to read the password; use -S to read it from standard input")
            }
            defer { close(fd) }
            return try readFromTerminal(fd: fd, prompt: prompt, echo: echo)
        }
    }

    /// Shows a message from the authentication stack where the prompt goes.
    public static func show(_ message: String, on source: PasswordSource) {
        let text = visible(message) + "\n"
        if source == .terminal {
            let fd = open("/dev/tty", O_WRONLY | O_NOCTTY | O_CLOEXEC)
            if fd >= 0 { writeAll(fd, text); close(fd); return }
        }
        writeAll(2, text)
    }

    private static func readFromTerminal(fd: Int32, prompt: String, echo: Bool) throws(Failure) -> Secret? {
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { throw Failure("cannot read terminal settings: \(describeErrno(errno))") }
        // Typeahead typed before the prompt appeared is not the password.
        tcflush(fd, TCIFLUSH)
        writeAll(fd, prompt)
        if !echo {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO | ECHONL)
            TerminalGuard.arm(fd: fd, saved: saved)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if !echo {
                tcsetattr(fd, TCSAFLUSH, &saved)
                TerminalGuard.disarm()
                writeAll(fd, "\n")
            }
        }
        return try readLine(fd: fd)
    }

    /// One line, a byte at a time (so nothing after the newline is taken
    /// from a stdin the command will read), bounded, with a timeout.
    static func readLine(fd: Int32) throws(Failure) -> Secret? {
        let secret = Secret()
        var sawAnything = false
        var byte: UInt8 = 0
        while true {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, timeoutMilliseconds)
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { throw Failure("timed out reading the password") }
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw Failure("cannot read the password: \(describeErrno(errno))") }
            if n == 0 { return sawAnything ? secret : nil }
            sawAnything = true
            if byte == UInt8(ascii: "\n") { return secret }
            secret.append(byte)
        }
    }
}

/// Restores the terminal if a signal ends the process during the prompt,
/// then lets the signal do what it would have done. SIGTSTP is ignored
/// while echo is off, so the shell never gets a terminal without echo.
enum TerminalGuard {
    nonisolated(unsafe) static var fd: Int32 = -1
    nonisolated(unsafe) static var saved = termios()
    static let fatalSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    static func arm(fd: Int32, saved: termios) {
        TerminalGuard.saved = saved
        TerminalGuard.fd = fd
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            if TerminalGuard.fd >= 0 {
                tcsetattr(TerminalGuard.fd, TCSAFLUSH, &TerminalGuard.saved)
                _ = write(TerminalGuard.fd, "\n", 1)
            }
            Glibc.signal(signal, SIG_DFL)
            raise(signal)
        }
        sigemptyset(&action.sa_mask)
        for s in fatalSignals { sigaction(s, &action, nil) }
        Glibc.signal(SIGTSTP, SIG_IGN)
    }

    static func disarm() {
        fd = -1
        for s in fatalSignals { Glibc.signal(s, SIG_DFL) }
        Glibc.signal(SIGTSTP, SIG_DFL)
    }
}
