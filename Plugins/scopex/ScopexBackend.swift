// ScopexBackend.swift: scopex, runas's own executor. The command's process
// takes the target's groups, gid and uid (real, effective and saved),
// enters the working directory as the target, gets a clean signal state,
// closes inherited descriptors and execs the command with exactly the
// environment of the request.
//
// Two process models:
//  - exec in place (the request allows it: no pty, no PAM to close): all of
//    that happens in runas's own process, as setpriv and doas do. The
//    command is then the process the caller started: same pid, its
//    signals, stops and exit status are its own, nothing to relay.
//  - otherwise runas forks; the child does the above, and runas relays
//    signals, serves the pty if there is one, and returns the child's wait
//    status (so the core can close the PAM session after it).
//  - -b (RUNAS_REQUEST_BACKGROUND): runas forks, the child becomes the
//    command in a session of its own (no controlling terminal), and runas
//    returns as soon as its execve succeeded, without waiting for it.
// With -C the descriptors the request lists stay open for the command.
import BackendKit
import BackendPOSIX
import CRunasBuildConfig
import CRunasSpawn
import ScopexSupport
import SystemEdge

@_cdecl("runas_backend_v1")
public func runasBackendV1() -> UnsafePointer<runas_backend> {
    // It waits for the command, so a PAM build can hold a session around it.
    makeBackendDescriptor(name: "scopex",
                          flags: RUNAS_BACKEND_WAITS_FOR_COMMAND.rawValue | RUNAS_BACKEND_CAN_BACKGROUND.rawValue
                              | RUNAS_BACKEND_CAN_PRESERVE_GROUPS.rawValue | RUNAS_BACKEND_KEEPS_DESCRIPTORS.rawValue,
                          run: scopexRun)
}

private func scopexRun(
    _ request: UnsafePointer<runas_request>?, _ waitStatus: UnsafeMutablePointer<Int32>?,
    _ error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    guard let request = validatedRequest(request, error) else { return BackendStatus.invalidRequest.code }
    let r = request.pointee
    // A pseudo-terminal of its own for the command (see pty.c), opened
    // before fork so that a failure is runas's error, not the command's.
    let usePty = r.flags & RUNAS_REQUEST_USE_PTY.rawValue != 0
    if r.flags & RUNAS_REQUEST_BACKGROUND.rawValue != 0 {
        return startInBackground(request, waitStatus, error)
    }
    let warnings = DirectoryWarnings(r)
    defer { warnings.deallocate() }
    if !usePty && r.flags & RUNAS_REQUEST_MAY_EXEC_IN_PLACE.rawValue != 0 {
        // Returns only if something failed (the ids may be the target's by then).
        var plan = commandPlan(r, warnings)
        return childFailure(runas_spawn_become(&plan, -1), request, error)
    }
    var pty = backend_pty()
    if usePty && backend_pty_open(&pty, r.target.uid, r.target_gid) != 0 {
        let err = libc_errno()
        backend_pty_close(&pty)
        return reportFailure(error, .systemError, errno: err, "cannot set up a pseudo-terminal")
    }
    let reports: ExecFailurePipe
    do throws(Errno) { reports = try ExecFailurePipe.make() } catch let failure {
        backend_pty_close(&pty)
        return reportFailure(error, .systemError, errno: failure.rawValue, "pipe")
    }
    backend_block_relayed_signals()
    // New session on the command's own terminal (pty.c), before the ids change.
    var plan = commandPlan(r, warnings)
    let pid = withUnsafePointer(to: &pty) { terminal in
        if usePty {
            plan.prepare = backend_pty_attach
            plan.prepare_context = UnsafeRawPointer(terminal)
        }
        return runas_spawn_fork(&plan, reports.readEnd, reports.writeEnd)
    }
    if pid < 0 {
        let err = libc_errno()
        backend_unblock_relayed_signals()
        backend_pty_close(&pty)
        reports.closeBoth()
        return reportFailure(error, .systemError, errno: err, "fork")
    }
    backend_relay_signals_to(pid, usePty ? 1 : 0)
    let report = reports.receive()

    var status: Int32 = 0
    let waited = usePty && report == nil ? backend_pty_run(&pty, pid, &status) : backend_wait_for_command(pid, &status)
    let waitErrno = libc_errno()
    backend_pty_close(&pty)
    if waited != 0 {
        return reportFailure(error, .systemError, errno: waitErrno, "waitpid")
    }
    if let report {
        return childFailure(report, request, error)
    }
    waitStatus?.pointee = status
    return BackendStatus.ok.code
}

/// -b: the command in a child that leads a session of its own: no
/// controlling terminal, so the terminal's Ctrl-C and job control do not
/// reach it, and it cannot inject input (TIOCSTI) or take the foreground
/// (the core gave it the terminal write-only, if at all); returns once it runs.
private func startInBackground(
    _ request: UnsafePointer<runas_request>, _ waitStatus: UnsafeMutablePointer<Int32>?,
    _ error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    let r = request.pointee
    let reports: ExecFailurePipe
    do throws(Errno) { reports = try ExecFailurePipe.make() } catch let failure {
        return reportFailure(error, .systemError, errno: failure.rawValue, "pipe")
    }
    let warnings = DirectoryWarnings(r)
    defer { warnings.deallocate() }
    var plan = commandPlan(r, warnings)
    plan.new_session = 1
    let pid = runas_spawn_fork(&plan, reports.readEnd, reports.writeEnd)
    if pid < 0 {
        let err = libc_errno()
        reports.closeBoth()
        return reportFailure(error, .systemError, errno: err, "fork")
    }
    if let report = reports.receive() {
        _ = try? WaitStatus.wait(for: pid)
        return childFailure(report, request, error)
    }
    waitStatus?.pointee = 0
    return BackendStatus.ok.code
}

/// The error for a step of the command's plan that failed (runas_spawn.h).
private func childFailure(
    _ report: runas_spawn_report, _ request: UnsafePointer<runas_request>,
    _ error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    let err = report.error
    switch report.step {
    case RUNAS_SPAWN_STEP_PREPARE: return reportFailure(error, .systemError, errno: err, "cannot attach the pseudo-terminal")
    case RUNAS_SPAWN_STEP_GROUPS: return reportFailure(error, .credentialsFailed, errno: err, "setgroups")
    case RUNAS_SPAWN_STEP_GID: return reportFailure(error, .credentialsFailed, errno: err, "setresgid")
    case RUNAS_SPAWN_STEP_UID: return reportFailure(error, .credentialsFailed, errno: err, "setresuid")
    case RUNAS_SPAWN_STEP_VERIFY: return reportFailure(error, .credentialsFailed, errno: 0, "user switch did not take effect")
    case RUNAS_SPAWN_STEP_CHDIR:
        return reportFailure(error, .credentialsFailed, errno: err, "cannot change directory to", detail: request.pointee.cwd)
    default: return reportFailure(error, .execFailed, errno: err, "cannot execute", detail: request.pointee.command_path)
    }
}

/// How this process becomes the command (runas_spawn.h does it, in this
/// process or in a child): a clean signal state, the target's groups, gid
/// and uid, its working directory entered as the target, the umask, only
/// stdin, stdout and stderr (and -C's descriptors) open, then execve.
private func commandPlan(_ r: runas_request, _ warnings: DirectoryWarnings) -> runas_spawn_plan {
    var plan = runas_spawn_plan()
    plan.path = r.command_path
    plan.argv = r.argv
    plan.envp = r.envp
    plan.set_ids = 1
    plan.uid = r.target.uid
    plan.gid = r.target_gid
    plan.set_groups = 1
    plan.groups = r.groups
    plan.ngroups = r.ngroups
    plan.cwd = r.cwd
    // When -D's directory cannot be entered, that is the error; else the
    // target's home, unless that is what just failed (-i), else /.
    if r.flags & RUNAS_REQUEST_CHDIR_EXPLICIT.rawValue == 0 {
        plan.home = r.target.home
        plan.home_warning = UnsafePointer(warnings.home)
        plan.root_warning = UnsafePointer(warnings.root)
    }
    // sudo's rule: the caller's umask, but never looser than 022.
    plan.tighten_umask = 1
    plan.keep = r.keep_fds
    plan.nkeep = r.nkeep_fds
    return plan
}

/// "runas: warning: cannot enter DIR, using HOME" and "..., using /",
/// written before the fork (no allocation after it) for the plan to print
/// if it falls back.
private struct DirectoryWarnings {
    let home: UnsafeMutablePointer<CChar>
    let root: UnsafeMutablePointer<CChar>

    init(_ r: runas_request) {
        // (validatedRequest checked that neither pointer is NULL.)
        home = Self.line(r.cwd!, using: r.target.home!)
        root = Self.line(r.cwd!, using: "/")
    }

    private static func line(_ directory: UnsafePointer<CChar>, using fallback: UnsafePointer<CChar>) -> UnsafeMutablePointer<CChar> {
        var line = ByteString("runas: warning: cannot enter ")
        line.append(visible: directory)
        line.append(", using ")
        line.append(cString: fallback)
        line.append("\n")
        return line.cString()
    }

    func deallocate() {
        home.deallocate()
        root.deallocate()
    }
}
