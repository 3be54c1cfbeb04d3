// ServiceManagerExec.swift: what the systemd-run and run0 backends share
// on a terminal (--pty): replace runas with the service manager's client
// program, giving that program only a minimal environment of its own (the
// command's environment travels as --setenv= arguments). A signal that
// ends the client there ends the command too: the client's pseudo-terminal
// hangs up. Without a terminal see ServiceManagerClient.swift.
import BackendKit
import BackendPOSIX
import CRunasBuildConfig
import CRunasSpawn

/// execve(program, argv, [PATH=<safe path>, TERM=<the command's TERM>]).
/// Returns only on failure, with the error filled in (and `arguments`
/// freed).
public func execServiceManager(
    program: UnsafePointer<CChar>, arguments: CStringList,
    request: UnsafePointer<runas_request>, error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    let environment = clientEnvironment(request)
    // In place (runas_spawn.h): dispositions, mask and descriptors as they
    // are; what changes is only that no interval timer of the caller's
    // survives into the client.
    var mask = sigset_t()
    sigprocmask(SIG_SETMASK, nil, &mask)
    let report = arguments.withTerminated { argv in
        environment.withTerminated { envp in
            withUnsafePointer(to: &mask) { mask in
                var plan = clientPlan(program, argv, envp, mask: mask)
                return runas_spawn_become(&plan, -1)
            }
        }
    }
    let err = report.error
    arguments.deallocateAll()
    environment.deallocateAll()
    return reportFailure(error, .systemError, errno: err, "cannot run", detail: program)
}

/// The service-manager client's spawn plan, in place or in a child: its
/// program, argv and envp, runas's dispositions and every descriptor kept
/// (the client serves the caller's terminal and stdio), `mask` as its mask.
func clientPlan(
    _ program: UnsafePointer<CChar>, _ argv: UnsafePointer<UnsafeMutablePointer<CChar>?>,
    _ envp: UnsafePointer<UnsafeMutablePointer<CChar>?>, mask: UnsafePointer<sigset_t>
) -> runas_spawn_plan {
    var plan = runas_spawn_plan()
    plan.path = program
    plan.argv = constList(argv)
    plan.envp = constList(envp)
    plan.keep_dispositions = 1
    plan.mask = mask
    plan.keep_descriptors = 1
    return plan
}

/// A CStringList's array as a spawn plan takes it (`const char *const *`).
func constList(_ list: UnsafePointer<UnsafeMutablePointer<CChar>?>) -> UnsafePointer<UnsafePointer<CChar>?> {
    UnsafeRawPointer(list).assumingMemoryBound(to: UnsafePointer<CChar>?.self)
}

/// The client program's own environment: a fixed PATH and the command's
/// TERM (it draws on the terminal with --pty), nothing of the caller's.
func clientEnvironment(_ request: UnsafePointer<runas_request>) -> CStringList {
    var environment = CStringList()
    environment.append(fixedPath)
    if let term = findVariable(request.pointee.envp, named: "TERM") {
        var entry = ByteString()
        entry.append(cString: term)
        environment.append(entry)
    }
    return environment
}

/// "PATH=" and the safe PATH of the build (runas_build_config.h).
var fixedPath: ByteString {
    var entry = ByteString("PATH=")
    entry.append(cString: runas_build_safe_path())
    return entry
}

/// What systemd-run and run0 can do beyond a plain run (-b, -P).
public let serviceManagerAbilities = RUNAS_BACKEND_CAN_BACKGROUND.rawValue | RUNAS_BACKEND_CAN_PRESERVE_GROUPS.rawValue

/// -P: the service manager sets the groups from the target's account
/// (User=), so the caller's are passed as SupplementaryGroups= (numeric
/// gids, space separated). Systemd adds them to the target's own groups,
/// except for root, whose groups it leaves out (README says so).
public func appendPreservedGroups(_ args: inout CStringList, _ r: runas_request) {
    guard r.flags & RUNAS_REQUEST_PRESERVE_GROUPS.rawValue != 0 else { return }
    var property = ByteString("--property=SupplementaryGroups=")
    for i in 0..<r.ngroups {
        if i > 0 { property.append(" ") }
        property.append(decimal: r.groups[i])
    }
    args.append(property)
}
