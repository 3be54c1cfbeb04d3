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

/// Which step of the child failed; sent to the parent with errno through a
/// close-on-exec pipe (nothing arrives when execve succeeds).
private enum ChildStep: Int32 {
    case groups = 1, gid, uid, verify, chdir, exec, terminal
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
    if !usePty && r.flags & RUNAS_REQUEST_MAY_EXEC_IN_PLACE.rawValue != 0 {
        // Returns only if something failed (the ids may be the target's by then).
        backend_reset_signals()
        let failed = becomeCommand(r, keeping: -1)
        return childFailure(failed.step, errno: failed.errno, request, error)
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
    let pid = fork()
    if pid < 0 {
        let err = libc_errno()
        backend_unblock_relayed_signals()
        backend_pty_close(&pty)
        reports.closeBoth()
        return reportFailure(error, .systemError, errno: err, "fork")
    }
    if pid == 0 {
        reports.enterChild()
        runChild(r, pty: usePty ? pty : nil, reportTo: reports)
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
        return childFailure(ChildStep(rawValue: report.step) ?? .exec, errno: report.errno, request, error)
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
    let pid = fork()
    if pid < 0 {
        let err = libc_errno()
        reports.closeBoth()
        return reportFailure(error, .systemError, errno: err, "fork")
    }
    if pid == 0 {
        reports.enterChild()
        backend_reset_signals()
        _ = setsid()
        let failed = becomeCommand(r, keeping: reports.writeEnd)
        reports.send(.init(step: failed.step.rawValue, errno: failed.errno))
        _exit(127)
    }
    if let report = reports.receive() {
        _ = try? WaitStatus.wait(for: pid)
        return childFailure(ChildStep(rawValue: report.step) ?? .exec, errno: report.errno, request, error)
    }
    waitStatus?.pointee = 0
    return BackendStatus.ok.code
}

private func childFailure(
    _ step: ChildStep, errno err: Int32, _ request: UnsafePointer<runas_request>,
    _ error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    let r = request.pointee
    switch step {
    case .groups: return reportFailure(error, .credentialsFailed, errno: err, "setgroups")
    case .gid: return reportFailure(error, .credentialsFailed, errno: err, "setresgid")
    case .uid: return reportFailure(error, .credentialsFailed, errno: err, "setresuid")
    case .verify: return reportFailure(error, .credentialsFailed, errno: 0, "user switch did not take effect")
    case .chdir: return reportFailure(error, .credentialsFailed, errno: err, "cannot change directory to", detail: r.cwd)
    case .exec: return reportFailure(error, .execFailed, errno: err, "cannot execute", detail: r.command_path)
    case .terminal: return reportFailure(error, .systemError, errno: err, "cannot attach the pseudo-terminal")
    }
}

/// The child of the fork model: never returns. A failure is reported to
/// the parent through the pipe.
private func runChild(_ r: runas_request, pty: backend_pty?, reportTo reports: ExecFailurePipe) -> Never {
    backend_reset_signals()
    // New session on the command's own terminal, before the ids change.
    var failed = (step: ChildStep.terminal, errno: Int32(0))
    if var pty, backend_pty_attach(&pty) != 0 {
        failed.errno = libc_errno()
    } else {
        failed = becomeCommand(r, keeping: reports.writeEnd)
    }
    reports.send(.init(step: failed.step.rawValue, errno: failed.errno))
    _exit(127)
}

/// Turns this process (its signal state already clean) into the command:
/// the target's ids, its working directory, the umask, only stdin, stdout
/// and stderr (and `keep`) open, then execve. Returns only if a step
/// failed: which, and its errno.
private func becomeCommand(_ r: runas_request, keeping keep: Int32) -> (step: ChildStep, errno: Int32) {
    func failure(_ step: ChildStep) -> (step: ChildStep, errno: Int32) { (step, step == .verify ? 0 : libc_errno()) }
    if setgroups(r.ngroups, r.groups) != 0 { return failure(.groups) }
    if setresgid(r.target_gid, r.target_gid, r.target_gid) != 0 { return failure(.gid) }
    if setresuid(r.target.uid, r.target.uid, r.target.uid) != 0 { return failure(.uid) }
    if backend_ids_are(r.target.uid, r.target_gid) == 0 { return failure(.verify) }
    backend_stay_undumpable()

    // Entered as the target, so the target's permissions decide.
    if chdir(r.cwd) != 0 {
        if r.flags & RUNAS_REQUEST_CHDIR_EXPLICIT.rawValue != 0 { return failure(.chdir) }
        // The target's home, unless that is what just failed (-i), else /.
        // (validatedRequest checked that neither pointer is NULL.)
        let cwd = r.cwd!, home = r.target.home!
        if strcmp(home, cwd) != 0 && chdir(home) == 0 {
            warnCannotEnter(cwd, using: home)
        } else {
            _ = chdir("/")
            warnCannotEnter(cwd, using: "/")
        }
    }

    // sudo's rule: the caller's umask, but never looser than 022.
    umask(umask(0o022) | 0o022)

    backend_clear_timers()
    closelog()   // its socket is closed next; a failure is then logged on a fresh one
    backend_close_above_stdio_keeping(r.keep_fds, r.nkeep_fds, keep)
    _ = execve(r.command_path, mutableList(r.argv), mutableList(r.envp))
    return failure(.exec)
}

private func warnCannotEnter(_ directory: UnsafePointer<CChar>, using fallback: UnsafePointer<CChar>) {
    var line = ByteString("runas: warning: cannot enter ")
    line.append(visible: directory)
    line.append(", using ")
    line.append(cString: fallback)
    line.append("\n")
    _ = line.bytes.withUnsafeBytes { write(2, $0.baseAddress!, $0.count) }
}

/// execve's prototype takes `char *const[]`; it never writes through them.
private func mutableList(
    _ list: UnsafePointer<UnsafePointer<CChar>?>
) -> UnsafePointer<UnsafeMutablePointer<CChar>?> {
    UnsafeRawPointer(list).assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self)
}
