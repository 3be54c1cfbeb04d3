// Runas.swift: the whole run, in order, and nothing else. Everything
// before authentication only reads (databases, the backend file); nothing
// is run, loaded or written on the strength of the caller's environment.
//
//   1. parse argv            5. load and check the backend
//   2. who is calling         6. authenticate (unless not needed)
//   3. root or wheel?         7. resolve the command, build its environment
//   4. target user and group  8. hand the request to the backend
//
// Every mode and the command's status come back to `main` as an exit
// status; runas exits there and nowhere else.
import CRunasBackendABI
import CRunasBuildConfig
import CRunasLibc
import SystemEdge

public enum Runas {
    public static func main(arguments: [[UInt8]], environment: [[UInt8]]) -> Never {
        guard Descriptors.ensureStandard() else { exit(1) }
        SystemLog.open()
        // No arguments at all (argc 0 or 1): the usage, as README says.
        guard arguments.count > 1 else {
            writeAll(2, Version.usage)
            exit(1)
        }
        // Started as runasedit (the link beside runas): -e.
        let name = arguments[0].split(separator: UInt8(ascii: "/")).last.map { Array($0) } ?? []
        let status: Int32
        do {
            status = try run(arguments: Array(arguments.dropFirst()), asEditor: name == Array("runasedit".utf8),
                             environment: environment)
        } catch {
            status = refuse(error)
        }
        exit(status)
    }

    static func run(arguments: [[UInt8]], asEditor: Bool, environment: [[UInt8]]) throws(Failure) -> Int32 {
        // 1. parse argv (--help, --version, --check and -k stop here)
        let options = try OptionParser.parse(arguments, asEditor: asEditor)
        if let status = try answerWithoutRunning(options) { return status }
        // -C: what is open now, before runas opens anything, is the caller's.
        let kept = options.closeFrom.map(Descriptors.inherited(below:)) ?? []
        // 2. who is calling (-l stops here)
        let caller = try identifyCaller()
        if options.mode == .list { return try Listing.run(options, caller: caller) }
        let tty = ControllingTerminal.name()
        let cwd = WorkingDirectory.forCommand(options)
        SystemLog.subject = logSubject(options, caller: caller, tty: tty, cwd: cwd)
        // 3. root or wheel?
        try Policy.requireAdmitted(caller)
        // 4. target user and group
        let target = try resolveTarget(options, caller: caller)
        // -e: nothing runs as the target, so no backend (EditSession.swift).
        if options.mode == .edit {
            return try EditSession.enter(options, caller: caller, target: target, tty: tty, cwd: cwd,
                                         environment: environment)
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
            try Background.detachFromTerminal(discardOutput: target.credentials.uid != caller.uid)
        }
        var plan = try plan(options, caller: caller, target: target, cwd: cwd, tty: tty, login: login,
                            environment: environment)
        plan.keepDescriptors = kept
        // 8. hand the request to the backend
        return try start(plan, with: backend, login: login)
    }

    /// Step 1: the modes that answer without running anything as anyone;
    /// their exit status, or nil for the modes that go on.
    static func answerWithoutRunning(_ options: Options) throws(Failure) -> Int32? {
        switch options.mode {
        case .help:
            writeAll(1, Version.usage)
            return 0
        case .version:
            return try Version.run()
        case .check:
            return SelfCheck.run() ? 0 : 1
        case .forgetCredentials:
            // -k/-K alone: runas keeps no credentials, so there is nothing to forget.
            return 0
        case .list, .run, .edit:
            return nil
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

    /// Step 2: who and what the log lines name, as far as known now.
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

    /// Step 6 (for -e too: EditSession.enter). `staysWithCaller`: see
    /// PasswordRule; `session`: a PAM session could be held around the command.
    static func authenticate(
        _ options: Options, caller: Account, target: Target, tty: String?,
        staysWithCaller: Bool, session: Bool, environment: [[UInt8]]
    ) throws(Failure) -> AuthenticatedCaller {
        let needed = PasswordRule.needsPassword(
            command: target.credentials, account: target.account.name, caller: caller,
            held: Identity.heldGroups(), staysWithCaller: staysWithCaller)
        return try Authenticator.authenticate(AuthenticationContext(
            caller: caller,
            source: needed ? try passwordSource(options, environment: environment) : .terminal(bell: false),
            nonInteractive: options.nonInteractive,
            prompt: PromptText.make(
                template: PromptText.template(option: options.prompt, environment: environment),
                caller: caller.name, target: target.account.name),
            // No password, no PAM session: pam_limits and friends would give
            // a caller who proved nothing more than they have (root excepted).
            tty: tty, needsPassword: needed, wantsSession: session && (needed || caller.uid == 0)))
    }

    /// Step 6: where the password comes from: -S, -A (the helper named in
    /// the caller's environment) or the terminal.
    static func passwordSource(_ o: Options, environment: [[UInt8]]) throws(Failure) -> PasswordSource {
        if o.passwordFromStdin { return .standardInput }
        if o.askpass && !o.nonInteractive {
            return .askpass(program: try AskpassHelper.program(in: environment), environment: environment)
        }
        return .terminal(bell: o.bell)
    }

    /// Step 7: the program, its arguments and environment, where it runs,
    /// and how (the request flags: RunDecision.swift). Opens the PAM
    /// session, if there is one.
    static func plan(
        _ options: Options, caller: Account, target: Target, cwd: [UInt8], tty: String?,
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
            context: .init(caller: caller, target: account, commandLine: commandLine, tty: tty),
            pamEnvironment: pamEnvironment,
            overrides: EnvFile.load(for: .init(user: account.name, uid: account.uid,
                                               group: target.group.name, gid: target.group.gid)))
        // Another user's command on our terminal could push keystrokes into
        // it (TIOCSTI) or read what we type after it ends: give it its own.
        // "Our terminal" is the controlling one, even when stdin, stdout and
        // stderr are all redirected: the command could still open /dev/tty.
        let onTerminal = isatty(0) == 1 || isatty(1) == 1 || isatty(2) == 1 || ControllingTerminal.isPresent()
        let usePty = !options.background && RunDecision.wantsPty(
            onTerminal: onTerminal, otherUser: account.uid != caller.uid,
            option: options.pty, buildDefault: runas_build_use_pty_default() != 0)
        let flags = RunDecision.requestFlags(
            options, allStdioTerminals: isatty(0) == 1 && isatty(1) == 1 && isatty(2) == 1,
            usePty: usePty, mustOutliveCommand: login.mustFinish,
            callerCanSignalTarget: caller.uid == 0 || account.uid == caller.uid)
        return CommandPlan(
            caller: caller, target: account, group: target.group, credentials: target.credentials,
            commandPath: path, argv: argv, environment: env,
            pamEnvironment: pamEnvironment.isEmpty ? nil : pamEnvironment,
            cwd: directory, flags: flags)
    }

    /// Step 7: the program and its argv: the command, or for -s/-i a shell
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

    /// Step 8: the log line, then the backend. It either replaces this
    /// process (exec in place, or a service manager's client) or returns
    /// the command's wait status; either way everything is put away once,
    /// here, before runas leaves with that status (CommandStatus.swift)
    /// or the error.
    static func start(_ plan: CommandPlan, with backend: LoadedBackend, login: AuthenticatedCaller) throws(Failure) -> Int32 {
        let request = BackendRequest.make(plan)
        SystemLog.success()
        let outcome = Result { () throws(Failure) -> Int32 in try BackendRequest.hand(request, to: backend) }
        BackendRequest.release(request)
        login.finish()
        return CommandStatus.exitStatus(like: try outcome.get())
    }
}
