// Runas.swift: the whole run, in order. Everything before authentication
// only reads (databases, the backend file); nothing is run, loaded or
// written on the strength of the caller's environment.
//
//   1. parse argv            5. load and check the backend
//   2. who is calling         6. authenticate (unless not needed)
//   3. root or wheel?         7. resolve the command, build its environment
//   4. target user and group  8. hand the request to the backend
import CRunasBackendABI
import CRunasBuildConfig
import CRunasLibc
import CRunasSupport
import SystemEdge

public enum Runas {
    public static func main(arguments: [[UInt8]], environment: [[UInt8]]) -> Never {
        ensureStandardDescriptors()
        SystemLog.open()
        // No arguments at all (argc 0 or 1): the usage, as README says.
        guard arguments.count > 1 else {
            writeAll(2, Version.usage)
            exit(1)
        }
        // Started as runasedit (the link beside runas): -e.
        let name = arguments[0].split(separator: UInt8(ascii: "/")).last.map { Array($0) } ?? []
        do {
            try run(arguments: Array(arguments.dropFirst()), asEditor: name == Array("runasedit".utf8),
                    environment: environment)
        } catch {
            exitWith(error)
        }
    }

    static func run(arguments: [[UInt8]], asEditor: Bool, environment: [[UInt8]]) throws(Failure) -> Never {
        // 1. parse argv (--help, --version, --check and -k stop here)
        let options = try OptionParser.parse(arguments, asEditor: asEditor)
        try answerWithoutRunning(options)
        // -C: what is open now, before runas opens anything, is the caller's.
        let kept = options.closeFrom.map(inheritedDescriptors(below:)) ?? []
        // 2. who is calling (-l stops here)
        let caller = try identifyCaller()
        if options.mode == .list { exit(try Listing.run(options, caller: caller)) }
        let tty = ControllingTerminal.name()
        let cwd = workingDirectory(options)
        SystemLog.subject = logSubject(options, caller: caller, tty: tty, cwd: cwd)
        // 3. root or wheel?
        try Policy.requireAdmitted(caller)
        // 4. target user and group
        let target = try resolveTarget(options, caller: caller)
        // -e: nothing runs as the target, so no backend (EditSession.swift).
        if options.mode == .edit {
            try edit(options, caller: caller, target: target, tty: tty, cwd: cwd, environment: environment)
        }
        // 5. load and check the backend
        let backend = try loadBackend()
        try requireAbilities(options, of: backend)
        // 6. authenticate (unless not needed)
        // (-b: runas returns at once, so no session could last as long as the command.)
        let login = try authenticate(options, caller: caller, target: target, tty: tty,
                                     staysWithCaller: backend.waitsForCommand,
                                     session: backend.waitsForCommand && !options.background, environment: environment)
        // 7. resolve the command, build its environment
        if options.background {
            try detachFromTerminal(discardOutput: target.credentials.uid != caller.uid)
        }
        var plan = try plan(options, caller: caller, target: target, cwd: cwd, login: login, environment: environment)
        plan.keepDescriptors = kept
        // 8. hand the request to the backend
        try start(plan, with: backend, login: login)
    }

    /// Step 1: the modes that answer without running anything as anyone.
    static func answerWithoutRunning(_ options: Options) throws(Failure) {
        switch options.mode {
        case .help:
            writeAll(1, Version.usage)
            exit(0)
        case .version:
            try printVersion()
        case .check:
            exit(SelfCheck.run() ? 0 : 1)
        case .forgetCredentials:
            // -k/-K alone: runas keeps no credentials, so there is nothing to forget.
            exit(0)
        case .list, .run, .edit:
            return
        }
    }

    /// Step 2. Without root, nothing below can work, and the first thing
    /// to fail (the shadow file, PAM) would name the wrong problem; a
    /// "root" of a user namespace would be taken for the real one.
    static func identifyCaller() throws(Failure) -> Account {
        if let problem = SetuidStart.problem() { throw problem }
        guard let caller = Accounts.user(uid: getuid()) else {
            throw Failure("you (uid \(getuid())) are not in the user database")
        }
        return caller
    }

    /// -e from step 4 on: the paths and the editor are checked before the
    /// password is asked (the files only for being on proc, sysfs and such), then
    /// the session runs and runas exits.
    static func edit(
        _ options: Options, caller: Account, target: Target, tty: String?, cwd: [UInt8], environment: [[UInt8]]
    ) throws(Failure) -> Never {
        var paths: [EditPath] = []
        for file in options.command {
            // A relative path needs the real working directory, not the "/"
            // a command falls back to when it cannot be found.
            if file.first != UInt8(ascii: "/") && currentDirectory() == nil {
                let error = Errno.current
                throw Failure("\(visible(file)): the working directory cannot be found (\(error.description)): "
                    + "give the file's full path")
            }
            let path = try EditPath(file, cwd: cwd)
            if paths.contains(where: { $0.directories == path.directories && $0.name == path.name }) {
                throw Failure("\(visible(file)): given twice")
            }
            paths.append(path)
        }
        // Kernel interfaces (proc, sysfs) are no files to edit: said before
        // the password, looked up with the caller's own rights.
        try ActingIdentity.acting(as: Identity.caller()) { () throws(Failure) in
            for path in paths { try EditFiles.requireNoKernelInterface(path) }
        }
        let editor = try EditorCommand.choose(environment: environment)
        // Nothing runs as the target: no PAM session. (Its own scope, so
        // that the login is released here: Swift releases nothing on a path
        // that ends in a call that never returns, and LeakSanitizer in the
        // test build reported it as a leak at exit.)
        do {
            let login = try authenticate(options, caller: caller, target: target, tty: tty,
                                         staysWithCaller: true, session: false, environment: environment)
            login.finish()
        }
        SystemLog.success()
        EditSession.run(paths, target: target.credentials, editor: editor, environment: environment)
    }

    /// Who and what the log lines name, as far as known now.
    static func logSubject(_ options: Options, caller: Account, tty: String?, cwd: [UInt8]) -> LogSubject {
        LogSubject(
            user: caller.name, tty: tty, cwd: cwd,
            target: options.user ?? (options.group != nil ? caller.name : "root"),
            group: options.group,
            environment: options.setEnvironment.isEmpty ? nil : Array(options.setEnvironment.map {
                Array($0.name.utf8) + [UInt8(ascii: "=")] + $0.value }.joined(separator: [UInt8(ascii: " ")])),
            command: options.mode == .edit ? Array("sudoedit ".utf8) + Array(options.command.joined(separator: [UInt8(ascii: " ")]))
                : options.command.isEmpty ? Array("(shell)".utf8) : Array(options.command.joined(separator: [UInt8(ascii: " ")])))
    }

    typealias Target = Policy.Target

    /// Step 4: the target, and the ids its command gets (once, for all).
    static func resolveTarget(_ options: Options, caller: Account) throws(Failure) -> Target {
        let target = try Policy.resolveTarget(options, caller: caller, callerGroups: Identity.caller().groups,
                                              in: Accounts.self)
        SystemLog.subject?.target = target.account.name
        if options.group != nil { SystemLog.subject?.group = target.group.name }
        return target
    }

    /// Step 5 (a refusal is logged as the backend's).
    static func loadBackend() throws(Failure) -> LoadedBackend {
        do {
            return try BackendLoader.load()
        } catch {
            throw Failure(error.message, log: "backend refused: \(error.message)")
        }
    }

    /// Step 6. `staysWithCaller`: see PasswordRule; `session`: a PAM
    /// session could be held around the command.
    static func authenticate(
        _ options: Options, caller: Account, target: Target, tty: String?,
        staysWithCaller: Bool, session: Bool, environment: [[UInt8]]
    ) throws(Failure) -> AuthenticatedCaller {
        let needed = PasswordRule.needsPassword(
            command: target.credentials, account: target.account.name, caller: caller,
            held: Identity.heldGroups(), staysWithCaller: staysWithCaller)
        return try Authenticator.authenticate(AuthenticationContext(
            caller: caller,
            source: needed ? try passwordSource(options, environment: environment) : .terminal,
            nonInteractive: options.nonInteractive,
            prompt: PromptText.make(
                template: PromptText.template(option: options.prompt, environment: environment),
                caller: caller.name, target: target.account.name),
            // No password, no PAM session: pam_limits and friends would give
            // a caller who proved nothing more than they have (root excepted).
            tty: tty, needsPassword: needed, wantsSession: session && (needed || caller.uid == 0)))
    }

    /// Step 7: the program, its arguments and environment, where it runs,
    /// and how (the request flags). Opens the PAM session, if there is one.
    static func plan(
        _ options: Options, caller: Account, target: Target, cwd: [UInt8],
        login: AuthenticatedCaller, environment: [[UInt8]]
    ) throws(Failure) -> CommandPlan {
        let account = target.account
        // -i runs in the target's home; everything else where asked (-D) or here.
        let directory = options.login ? Array(account.home.utf8) : cwd
        let (path, argv) = try command(options, target: account, cwd: directory, environment: environment)
        let commandLine = Array(([path] + argv.dropFirst()).joined(separator: [UInt8(ascii: " ")]))
        SystemLog.subject?.command = commandLine
        let pamEnvironment = try login.openSession(for: account)
        let env = CommandEnvironment.build(
            callerEnvironment: environment, options: options,
            context: .init(caller: caller, target: account, commandLine: commandLine),
            pamEnvironment: pamEnvironment,
            overrides: EnvFile.load(for: .init(user: account.name, uid: account.uid,
                                               group: target.group.name, gid: target.group.gid)))
        // Another user's command on our terminal could push keystrokes into
        // it (TIOCSTI) or read what we type after it ends: give it its own.
        // "Our terminal" is the controlling one, even when stdin, stdout and
        // stderr are all redirected: the command could still open /dev/tty.
        let onTerminal = isatty(0) == 1 || isatty(1) == 1 || isatty(2) == 1 || ControllingTerminal.isPresent()
        let usePty = !options.background && wantsPty(onTerminal: onTerminal, otherUser: account.uid != caller.uid,
                                                      option: options.pty, buildDefault: runas_build_use_pty_default() != 0)
        let flags = requestFlags(options, allStdioTerminals: isatty(0) == 1 && isatty(1) == 1 && isatty(2) == 1,
                                 usePty: usePty, mustOutliveCommand: login.mustFinish,
                                 callerCanSignalTarget: caller.uid == 0 || account.uid == caller.uid)
        return CommandPlan(
            caller: caller, target: account, group: target.group, credentials: target.credentials,
            commandPath: path, argv: argv, environment: env,
            pamEnvironment: pamEnvironment.isEmpty ? nil : pamEnvironment,
            cwd: directory, flags: flags)
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

    /// Step 8: the log line, then the backend. It either replaces this
    /// process (exec in place, or a service manager's client) or returns
    /// the command's wait status; either way everything is put away once,
    /// here, before runas leaves with that status or the error.
    static func start(_ plan: CommandPlan, with backend: LoadedBackend, login: AuthenticatedCaller) throws(Failure) -> Never {
        let request = BackendRequest.make(plan)
        SystemLog.success()
        let outcome = Result { () throws(Failure) -> Int32 in try hand(request, to: backend) }
        BackendRequest.release(request)
        login.finish()
        exitLike(try outcome.get())
    }

    /// Where the password comes from: -S, -A (the helper named in the
    /// caller's environment) or the terminal.
    static func passwordSource(_ o: Options, environment: [[UInt8]]) throws(Failure) -> PasswordSource {
        if o.passwordFromStdin { return .standardInput }
        if o.askpass && !o.nonInteractive {
            return .askpass(program: try AskpassHelper.program(in: environment), environment: environment)
        }
        return .terminal
    }

    static func printVersion() throws(Failure) -> Never {
        var text = "runas \(Version.number)\n"
        text += "traits: \(Version.traits.isEmpty ? "(none)" : Version.traits.joined(separator: ","))\n"
        text += "authentication: \(Version.authentication)\n"
        text += "backend ABI: \(Version.abi)\n"
        writeAll(1, text)
        let backend = try BackendLoader.load()
        writeAll(1, "backend: \(backend.name) \(backend.version) (ABI \(backend.abi)) at \(backend.path)\n")
        exit(0)
    }

    /// -C N: the descriptors from 3 to N-1 that are open, up to the soft
    /// descriptor limit (one inherited above a lowered limit is closed, as
    /// without -C).
    static func inheritedDescriptors(below n: Int32) -> [Int32] {
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        let top = Int32(min(UInt64(n), UInt64(limit.rlim_cur)))
        return top <= 3 ? [] : (3..<top).filter { libc_fcntl($0, F_GETFD, 0) >= 0 }
    }

    /// Step 5's second half: options only some backends can carry out are
    /// refused before any password.
    static func requireAbilities(_ o: Options, of backend: LoadedBackend) throws(Failure) {
        func need(_ flag: runas_backend_flag, _ option: String, _ what: String, _ why: String) throws(Failure) {
            if backend.can(flag) { return }
            let old = backend.descriptor.pointee.abi_minor < 4 ? " (its ABI \(backend.abi) is older than 1.4)" : why
            throw Failure("the \(backend.name) backend cannot \(what) (\(option))\(old)")
        }
        if o.background { try need(RUNAS_BACKEND_CAN_BACKGROUND, "-b", "start a command in the background", "") }
        if o.preserveGroups { try need(RUNAS_BACKEND_CAN_PRESERVE_GROUPS, "-P", "keep your groups for the command", "") }
        if o.closeFrom != nil {
            try need(RUNAS_BACKEND_KEEPS_DESCRIPTORS, "-C", "keep descriptors open for the command",
                     ": a service manager starts it, and it inherits none of runas's (scopex can)")
        }
    }

    /// -b: a command in the background must not read what is typed at the
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

    /// Whether the command gets a pseudo-terminal of its own: only when
    /// runas is on a terminal; --pty asks for one whoever the target is,
    /// --no-pty refuses it, and otherwise another user's command gets one
    /// if the build says so (runas_build_use_pty_default).
    static func wantsPty(onTerminal: Bool, otherUser: Bool, option: Bool?, buildDefault: Bool) -> Bool {
        guard onTerminal else { return false }
        if let option { return option }
        return otherUser && buildDefault
    }

    /// Where the command runs: -D (relative to here), else here. Bytes: a
    /// directory's name need not be UTF-8.
    static func workingDirectory(_ o: Options) -> [UInt8] {
        let here = currentDirectory() ?? Array("/".utf8)
        guard let d = o.directory else { return here }
        if d.hasPrefix("/") { return Array(d.utf8) }
        return (here == Array("/".utf8) ? [] : here) + Array(("/" + d).utf8)
    }

    /// getcwd, as bytes; nil if it fails (errno says why).
    static func currentDirectory() -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let found = buffer.withUnsafeMutableBufferPointer {
            getcwd(UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), $0.count) != nil
        }
        return found ? Array(buffer.prefix(while: { $0 != 0 })) : nil
    }

    /// The program and its argv: the command, or for -s/-i a shell
    /// (ShellCommand) with the command as "-c".
    static func command(
        _ o: Options, target: Account, cwd: [UInt8], environment: [[UInt8]]
    ) throws(Failure) -> ([UInt8], [[UInt8]]) {
        if o.shell || o.login {
            let shell = o.shell ? ShellCommand.callerShell(environment: environment) ?? target.shell : target.shell
            let plan = ShellCommand.make(login: o.login, shell: shell, command: o.command)
            return (try CommandResolver.resolve(plan.shell, cwd: cwd), plan.argv)
        }
        let path = try CommandResolver.resolve(o.command[0], cwd: cwd)
        return (path, o.command)
    }

    /// Runs the request; the backend either replaces this process or
    /// returns the command's wait status, which becomes runas's own.
    static func hand(_ request: UnsafeMutablePointer<runas_request>, to backend: LoadedBackend) throws(Failure) -> Int32 {
        var status: Int32 = 0
        var error = runas_error()
        guard let run = backend.descriptor.pointee.run else {
            throw Failure("backend \(backend.path) has no run function")
        }
        let rc = run(request, &status, &error)
        guard rc == Int32(RUNAS_BACKEND_OK.rawValue) else {
            let message = withUnsafePointer(to: &error.message) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if rc == Int32(RUNAS_BACKEND_EXEC_FAILED.rawValue) {
                let path = String(cString: request.pointee.command_path)
                if error.errno_value == ENOENT { throw Failure("\(visible(path)): command not found", exitStatus: 127) }
                throw Failure("\(visible(path)): \(describeErrno(error.errno_value))", exitStatus: 126)
            }
            throw Failure("\(backend.name): \(message)")
        }
        return status
    }

    /// Exit with the command's status; if a signal killed it, die of the
    /// same signal (without a core file) so the caller's shell sees 128+N.
    static func exitLike(_ status: Int32) -> Never {
        switch WaitStatus(status) {
        case .exited(let code): exit(code)
        case .signaled(let signal, _):
            var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
            setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
            _ = libc_signal_default(signal)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, signal)
            sigprocmask(SIG_UNBLOCK, &set, nil)
            kill(getpid(), signal)
            exit(128 + signal)
        case .stopped, .other: exit(1)
        }
    }

    /// Descriptors 0, 1 and 2 are open before anything else is, so no file
    /// runas opens can become someone's stdin, stdout or stderr.
    static func ensureStandardDescriptors() {
        for fd: Int32 in [0, 1, 2] where libc_fcntl(fd, F_GETFD, 0) < 0 {
            let opened = libc_open("/dev/null", O_RDWR, 0)
            if opened < 0 { exit(1) }
            if opened != fd { dup2(opened, fd); close(opened) }
        }
    }
}
