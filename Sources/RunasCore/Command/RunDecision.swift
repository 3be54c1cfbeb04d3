// RunDecision.swift: how the command runs, decided as pure functions:
// whether it gets a pseudo-terminal of its own, and the request's flags
// (among them whether it may take over this process, exec in place).
import CRunasBackendABI

enum RunDecision {
    /// Whether the command gets a pseudo-terminal of its own: only when
    /// runas is on a terminal; --pty asks for one whoever the target is,
    /// --no-pty refuses it, and otherwise another user's command gets one
    /// if the build says so (runas_build_use_pty_default).
    static func wantsPty(onTerminal: Bool, otherUser: Bool, option: Bool?, buildDefault: Bool) -> Bool {
        guard onTerminal else { return false }
        if let option { return option }
        return otherUser && buildDefault
    }

    /// The request's flags. The command may take over this process (exec
    /// in place) when nothing has to happen here once it runs: no pty to
    /// serve, no PAM to close, and no signals to pass on for the caller. A
    /// caller may kill its runas (the real uid is theirs) but not a process
    /// of another user: so unless the caller is root or the target is the
    /// caller's own uid, runas stays the parent and relays what it gets.
    static func requestFlags(
        _ options: Options, allStdioTerminals: Bool, usePty: Bool, mustOutliveCommand: Bool,
        callerCanSignalTarget: Bool
    ) -> UInt32 {
        var flags: UInt32 = 0
        if options.shell || options.login { flags |= RUNAS_REQUEST_SHELL.rawValue }
        if options.login { flags |= RUNAS_REQUEST_LOGIN_SHELL.rawValue }
        if options.directory != nil { flags |= RUNAS_REQUEST_CHDIR_EXPLICIT.rawValue }
        if options.background { flags |= RUNAS_REQUEST_BACKGROUND.rawValue }
        if options.preserveGroups { flags |= RUNAS_REQUEST_PRESERVE_GROUPS.rawValue }
        if allStdioTerminals { flags |= RUNAS_REQUEST_TTY.rawValue }
        if usePty { flags |= RUNAS_REQUEST_USE_PTY.rawValue }
        if !usePty && !mustOutliveCommand && callerCanSignalTarget && !options.background {
            flags |= RUNAS_REQUEST_MAY_EXEC_IN_PLACE.rawValue
        }
        return flags
    }
}
