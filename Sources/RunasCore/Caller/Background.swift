// Background.swift: what -b does to runas's own standard descriptors
// before the backend starts the command in the background, so that the
// command gets no hold on the caller's terminal.
import CRunasLibc
import SystemEdge

enum Background {
    /// A command in the background must not read what is typed at the
    /// caller's terminal (it would race the shell for it, and another
    /// user's command gets no pty to keep it off the terminal): a terminal
    /// on stdin becomes /dev/null (other input stays). A terminal on stdout
    /// or stderr is opened again write-only, so the caller's own command
    /// can still write to it but not read from it; with `discardOutput`
    /// (another user's command: scopex hands it runas's descriptors, and
    /// systemd-run/run0 --pipe hand the unit the client's, which are
    /// runas's too) it becomes /dev/null, since even a write-only terminal
    /// lets its holder set echo, Ctrl-C, flow and the window size for the
    /// caller's next prompt, and runas says so once. The backend starts
    /// the command in a session of its own, without a controlling terminal,
    /// so it cannot push input into the shell (TIOCSTI) or take the
    /// foreground (tcsetpgrp) either.
    static func detachFromTerminal(discardOutput: Bool) throws(Failure) {
        func put(_ path: String, _ flags: Int32, on fd: Int32) throws(Failure) {
            let opened = libc_open(path, flags | O_NOCTTY | O_CLOEXEC, 0)
            guard opened >= 0, dup2(opened, fd) == fd else {
                throw Failure("-b: cannot reopen \(path) for the command: \(Errno.current.description)")
            }
            close(opened)
        }
        if isatty(0) == 1 { try put("/dev/null", O_RDONLY, on: 0) }
        let terminals = [Int32(1), 2].filter { isatty($0) == 1 }
        if discardOutput && !terminals.isEmpty {
            printError("warning: -b: the command's output to your terminal is discarded: another user's background "
                + "command gets no hold on your terminal (redirect its output to keep it)")
        }
        for fd in terminals {
            if discardOutput {
                try put("/dev/null", O_WRONLY, on: fd)
                continue
            }
            guard let name = ttyname(fd) else { throw Failure("-b: cannot name the terminal on descriptor \(fd)") }
            try put(String(cString: name), O_WRONLY, on: fd)
        }
    }
}
