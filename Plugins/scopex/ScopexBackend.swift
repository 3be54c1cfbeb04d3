// ScopexBackend.swift: scopex, runas's own executor. Forks; the child takes
// the target's groups, gid and uid (real, effective and saved), enters the
// working directory as the target, closes inherited descriptors and execs
// the command with exactly the environment of the request. The parent
// relays termination signals and returns the child's wait status.
import BackendKit
import BackendPOSIX

@_cdecl("runas_backend_v1")
public func runasBackendV1() -> UnsafePointer<runas_backend> {
    // It waits for the command, so a PAM build can hold a session around it.
    makeBackendDescriptor(name: "scopex", version: "0.3.0",
                          flags: RUNAS_BACKEND_WAITS_FOR_COMMAND.rawValue, run: scopexRun)
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
    var pty = backend_pty()
    if usePty && backend_pty_open(&pty, r.target.uid, r.target_gid) != 0 {
        let err = backend_errno()
        backend_pty_close(&pty)
        return reportFailure(error, .systemError, errno: err, "cannot set up a pseudo-terminal")
    }
    var fds: [Int32] = [-1, -1]
    if pipe2(&fds, O_CLOEXEC) != 0 {
        backend_pty_close(&pty)
        return reportFailure(error, .systemError, errno: backend_errno(), "pipe")
    }
    backend_block_relayed_signals()
    let pid = fork()
    if pid < 0 {
        let err = backend_errno()
        backend_unblock_relayed_signals()
        backend_pty_close(&pty)
        close(fds[0])
        close(fds[1])
        return reportFailure(error, .systemError, errno: err, "fork")
    }
    if pid == 0 {
        close(fds[0])
        runChild(r, pty: usePty ? pty : nil, reportTo: fds[1])
    }
    close(fds[1])
    backend_relay_signals_to(pid, usePty ? 1 : 0)

    // Nothing arrives when execve succeeds (the pipe closes on exec).
    var report: [Int32] = [0, 0]
    var got = 0
    while got < 8 {
        let n = report.withUnsafeMutableBytes { read(fds[0], $0.baseAddress! + got, 8 - got) }
        if n < 0 && backend_errno() == EINTR { continue }
        if n <= 0 { break }
        got += n
    }
    close(fds[0])

    var status: Int32 = 0
    let waited = usePty && got != 8 ? backend_pty_run(&pty, pid, &status) : backend_wait_for_command(pid, &status)
    let waitErrno = backend_errno()
    backend_pty_close(&pty)
    if waited != 0 {
        return reportFailure(error, .systemError, errno: waitErrno, "waitpid")
    }
    if got == 8 {
        return childFailure(ChildStep(rawValue: report[0]) ?? .exec, errno: report[1], request, error)
    }
    waitStatus?.pointee = status
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

/// The child: never returns.
private func runChild(_ r: runas_request, pty: backend_pty?, reportTo pipe: Int32) -> Never {
    func fail(_ step: ChildStep) -> Never {
        var report: [Int32] = [step.rawValue, backend_errno()]
        _ = report.withUnsafeMutableBytes { write(pipe, $0.baseAddress!, 8) }
        _exit(127)
    }
    backend_reset_signals()
    // New session on the command's own terminal, before the ids change.
    if var pty, backend_pty_attach(&pty) != 0 { fail(.terminal) }

    if setgroups(r.ngroups, r.groups) != 0 { fail(.groups) }
    if setresgid(r.target_gid, r.target_gid, r.target_gid) != 0 { fail(.gid) }
    if setresuid(r.target.uid, r.target.uid, r.target.uid) != 0 { fail(.uid) }
    if backend_ids_are(r.target.uid, r.target_gid) == 0 { fail(.verify) }

    // Entered as the target, so the target's permissions decide.
    if chdir(r.cwd) != 0 {
        if r.flags & RUNAS_REQUEST_CHDIR_EXPLICIT.rawValue != 0 { fail(.chdir) }
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

    backend_close_all_above_stdio_except(pipe)
    _ = execve(r.command_path, mutableList(r.argv), mutableList(r.envp))
    fail(.exec)
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
