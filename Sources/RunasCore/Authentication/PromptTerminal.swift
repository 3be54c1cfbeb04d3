// PromptTerminal.swift: the terminal while a password is typed on it, as
// one typed API over prompt_signals.c: its settings saved, the signals
// that would end or stop runas held from before echo goes off, the wait
// for each byte, and everything put back (then a held signal re-sent so it
// takes effect) on every way out.
import CRunasLibc
import CRunasSupport
import SystemEdge

/// How taking the terminal for a prompt went.
enum TerminalTaken {
    /// Echo is off (unless asked for) and the signals are held.
    case taken
    /// A held signal came first: the terminal is as it was and the signal
    /// has been re-sent; runas is still here if it was a stop (continued).
    case signal(Int32)
    /// The settings could not be changed; nothing is held.
    case failed(Errno)
}

/// How a wait for the next byte at the prompt ended.
enum InputWait {
    case ready
    case timedOut
    /// A held signal came: give the terminal back, re-sending it.
    case signal(Int32)
    case failed(Errno)
}

struct PromptTerminal {
    let fd: Int32
    let echo: Bool
    private var saved = termios()

    /// Reads the settings to put back; nothing changes yet.
    init(_ fd: Int32, echo: Bool) throws(Failure) {
        self.fd = fd
        self.echo = echo
        guard tcgetattr(fd, &saved) == 0 else {
            let error = Errno.current
            throw Failure("cannot read terminal settings: \(error.description)")
        }
    }

    /// Holds the signals, then turns echo off (unless `echo`), discarding
    /// typeahead: what was typed before the prompt is not the password.
    /// From a background job this stops runas (SIGTTOU), as it should.
    func take() -> TerminalTaken {
        var asking = saved
        if !echo { asking.c_lflag &= ~tcflag_t(ECHO | ECHONL) }
        var signal: Int32 = 0
        switch runas_prompt_begin(fd, &asking, &signal) {
        case .RUNAS_PROMPT_READY:
            return .taken
        case .RUNAS_PROMPT_HELD_SIGNAL_AFTER_CHANGE:
            giveBack(discardingInput: true, newline: false, resending: signal)
            return .signal(signal)
        case .RUNAS_PROMPT_HELD_SIGNAL:
            runas_prompt_end(signal)
            return .signal(signal)
        case .RUNAS_PROMPT_FAILED, .RUNAS_PROMPT_TIMED_OUT, .RUNAS_PROMPT_OTHER_SIGNAL:
            let error = Errno.current
            runas_prompt_end(0)
            return .failed(error)
        }
    }

    /// Waits until `fd` can be read or `deadline` (MonotonicClock) passes;
    /// a signal that is not held is waited through. On a descriptor that
    /// is not a taken terminal (-S, -A's pipe) nothing is held.
    static func waitForInput(_ fd: Int32, until deadline: Int64) -> InputWait {
        while true {
            let left = deadline - MonotonicClock.milliseconds()
            if left <= 0 { return .timedOut }
            var signal: Int32 = 0
            switch runas_prompt_wait(fd, Int32(left), &signal) {
            case .RUNAS_PROMPT_READY: return .ready
            case .RUNAS_PROMPT_TIMED_OUT: return .timedOut
            case .RUNAS_PROMPT_HELD_SIGNAL, .RUNAS_PROMPT_HELD_SIGNAL_AFTER_CHANGE: return .signal(signal)
            case .RUNAS_PROMPT_OTHER_SIGNAL: continue
            case .RUNAS_PROMPT_FAILED:
                let error = Errno.current
                if error == .interrupted { continue }
                return .failed(error)
            }
        }
    }

    /// The settings back (TCSAFLUSH when what was typed must not be left
    /// for the shell), a newline where echo was off, then the signals let
    /// go, `resending` one first so it acts now.
    func giveBack(discardingInput: Bool, newline: Bool, resending signal: Int32 = 0) {
        var settings = saved
        tcsetattr(fd, discardingInput ? TCSAFLUSH : TCSADRAIN, &settings)
        if newline { writeAll(fd, "\n") }
        runas_prompt_end(signal)
    }
}
