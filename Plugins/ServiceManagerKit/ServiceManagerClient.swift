// ServiceManagerClient.swift: systemd-run or run0 without a terminal
// (--pipe). There the client only waits for the unit, and a signal that
// kills it leaves the command running in the unit. So runas stays the
// client's parent, names the unit itself (--unit=), and passes the signals
// it gets on to the unit's main process with `systemctl kill`; it returns
// when the client does, with the client's status (see unitStatus).
// With -b (RUNAS_REQUEST_BACKGROUND) the client starts in a session of its
// own and runas returns as soon as it runs: the client stays
// behind, connecting the unit to runas's stdout and stderr until it ends.
import BackendKit
import BackendPOSIX
import CRunasBuildConfig
import CRunasSpawn
import SystemEdge
import UnitSignals

/// "runas-<pid>-<8 hex digits>.service": known to runas before the unit
/// exists, and unique enough not to meet a unit of an earlier run.
public func uniqueUnitName() -> ByteString {
    var name = ByteString("runas-")
    name.append(decimal: UInt32(getpid()))
    name.append("-")
    let random = backend_random32()
    let hex: StaticString = "0123456789abcdef"
    for shift in stride(from: 28, through: 0, by: -4) {
        name.bytes.append(hex.utf8Start[Int((random >> UInt32(shift)) & 0xf)])
    }
    name.append(".service")
    return name
}

/// Runs `program` (started with --unit=`unit`) as a child and waits for it,
/// passing signals on to the unit meanwhile. RUNAS_BACKEND_OK with the
/// status in *waitStatus, or an error (the client could not be started).
/// Frees `arguments` before it returns.
public func runServiceManagerClient(
    program: UnsafePointer<CChar>, arguments: CStringList, unit: ByteString,
    request: UnsafePointer<runas_request>, waitStatus: UnsafeMutablePointer<Int32>?,
    error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    let environment = clientEnvironment(request)
    defer {
        arguments.deallocateAll()
        environment.deallocateAll()
    }
    let reports: ExecFailurePipe
    do throws(Errno) { reports = try ExecFailurePipe.make() } catch let failure {
        return reportFailure(error, .systemError, errno: failure.rawValue, "pipe")
    }
    let background = request.pointee.flags & RUNAS_REQUEST_BACKGROUND.rawValue != 0
    var saved = sigset_t()
    backend_unit_signals_block(&saved)
    defer { backend_unit_signals_restore(&saved) }
    // The client ignores the signals runas passes on (it must live until
    // the unit ends) and gets runas's mask of before; it keeps the other
    // dispositions and every descriptor, as runas has them.
    var ignoredCount = 0
    let ignored = backend_unit_signals_ignored_by_children(&ignoredCount)
    let client: pid_t = arguments.withTerminated { argv in
        environment.withTerminated { envp in
            withUnsafePointer(to: &saved) { mask in
                var plan = clientPlan(program, argv, envp, mask: mask)
                plan.ignored = ignored
                plan.nignored = ignoredCount
                plan.new_session = background ? 1 : 0
                return runas_spawn_fork(&plan, reports.readEnd, reports.writeEnd)
            }
        }
    }
    if client < 0 {
        let forkErrno = libc_errno()
        reports.closeBoth()
        return reportFailure(error, .systemError, errno: forkErrno, "fork")
    }
    var status: Int32 = 0
    if let report = reports.receive() {
        _ = try? WaitStatus.wait(for: client)
        return reportFailure(error, .systemError, errno: report.error, "cannot run", detail: program)
    }
    if background {
        waitStatus?.pointee = 0
        return BackendStatus.ok.code
    }
    var forwarder = UnitSignalForwarder(unit: unit)
    guard forwarder.wait(for: client, status: &status) else {
        return reportFailure(error, .systemError, errno: libc_errno(), "waitpid")
    }
    waitStatus?.pointee = forwarder.unitStatus(clientStatus: status)
    return BackendStatus.ok.code
}

/// Waits for the client and passes each signal runas gets on to the unit.
struct UnitSignalForwarder {
    /// A signal still to pass on (the unit may not exist yet: retried).
    /// `whole`: a terminal sent it (Ctrl-C, hangup), which would have
    /// reached all of the command's processes, not only the main one.
    struct Pending { let sig: Int32; let whole: Bool }

    let unit: ByteString
    var pending: [Pending] = []
    /// The first SIGTERM/SIGINT/SIGHUP, and the first other signal, that
    /// reached the unit.
    var firstClean: Int32 = 0
    var firstOther: Int32 = 0

    init(unit: ByteString) { self.unit = unit }

    mutating func wait(for client: pid_t, status: inout Int32) -> Bool {
        var retryMs: Int64 = 20
        var nextAttempt: Int64 = 0
        var failingSince: Int64 = -1
        var warned = false
        while true {
            guard let r = try? retryingOnInterrupt({ waitpid(client, &status, WNOHANG) }) else { return false }
            if r == client {
                // Whatever came after the command ended is moot.
                backend_unit_signals_drain()
                return true
            }
            let timeout = pending.isEmpty ? -1 : Int32(max(0, min(nextAttempt - backend_monotonic_ms(), 1000)))
            var fromKernel: Int32 = 0
            let sig = backend_unit_next_signal(timeout, &fromKernel)
            var fresh = false
            if sig > 0 && sig != SIGCHLD && !pending.contains(where: { $0.sig == sig }) {
                pending.append(Pending(sig: sig, whole: fromKernel != 0))
                fresh = true
            }
            let now = backend_monotonic_ms()
            if pending.isEmpty || (!fresh && now < nextAttempt) { continue }
            var left: [Pending] = []
            for p in pending {
                if sendToUnit(p) { note(p.sig) } else { left.append(p) }
            }
            pending = left
            if pending.isEmpty {
                retryMs = 20
                failingSince = -1
                continue
            }
            // Not started yet, or already gone: try again, less often.
            if failingSince < 0 { failingSince = now }
            nextAttempt = backend_monotonic_ms() + retryMs
            retryMs = min(retryMs * 2, 1000)
            if !warned && backend_monotonic_ms() - failingSince >= 2000 {
                warned = true
                warnNotPassedOn(pending[0].sig)
            }
        }
    }

    private mutating func note(_ sig: Int32) {
        let clean = sig == SIGTERM || sig == SIGINT || sig == SIGHUP
        if clean && firstClean == 0 { firstClean = sig }
        if !clean && firstOther == 0 { firstOther = sig }
    }

    /// What runas reports. systemd-run and run0 exit 0 when the command
    /// died of SIGTERM/SIGINT/SIGHUP (a clean end for a service) and 255
    /// when it died of another signal. After passing such a signal on,
    /// runas takes that answer to mean the command died of it and dies of
    /// it too, as the killer expects (128+N in a shell). Anything else is
    /// the command's own exit status, passed through.
    func unitStatus(clientStatus status: Int32) -> Int32 {
        guard case .exited(let code) = WaitStatus(status) else { return status }
        if code == 0 && firstClean != 0 { return firstClean }
        if code == 255 && firstOther != 0 { return firstOther }
        return status
    }

    /// `systemctl kill --kill-whom=main-fail|all-fail --signal=SIGN UNIT`,
    /// quietly, for at most 5 s; true if a process of the unit got it.
    private func sendToUnit(_ p: Pending) -> Bool {
        let program = runas_build_systemctl_path()!
        var args = CStringList()
        args.append(cString: program)
        args.append("kill")
        args.append(p.whole ? "--kill-whom=all-fail" : "--kill-whom=main-fail")
        var signal = ByteString("--signal=SIG")
        signal.append(cString: backend_signal_abbrev(p.sig))
        args.append(signal)
        args.append(unit)
        var environment = CStringList()
        environment.append(fixedPath)
        // Every other signal at its default, the unit's ignored, nothing
        // blocked (see unit_signals.h); /dev/null as stdin, stdout and
        // stderr, and nothing else open. No report: it ends with 127.
        var ignoredCount = 0
        let ignored = backend_unit_signals_ignored_by_children(&ignoredCount)
        let pid: pid_t = args.withTerminated { argv in
            environment.withTerminated { envp in
                var plan = runas_spawn_plan()
                plan.path = program
                plan.argv = constList(argv)
                plan.envp = constList(envp)
                plan.ignored = ignored
                plan.nignored = ignoredCount
                plan.stdio_from = (RUNAS_SPAWN_DEV_NULL, RUNAS_SPAWN_DEV_NULL, RUNAS_SPAWN_DEV_NULL)
                return runas_spawn_fork(&plan, -1, -1)
            }
        }
        args.deallocateAll()
        environment.deallocateAll()
        if pid < 0 { return false }
        var status: Int32 = 0
        return backend_wait_bounded(pid, 5000, &status) == 0 && status == 0
    }

    private func warnNotPassedOn(_ sig: Int32) {
        var line = ByteString("runas: warning: cannot pass SIG")
        line.append(cString: backend_signal_abbrev(sig))
        line.append(" on to ")
        line.bytes.append(contentsOf: unit.bytes)
        line.append(" yet; still trying\n")
        line.bytes.withUnsafeBytes { backend_write_quietly(2, $0.baseAddress!, $0.count) }
    }
}
