// ServiceManagerExec.swift: what the systemd-run and run0 backends share
// on a terminal (--pty): replace runas with the service manager's client
// program, giving that program only a minimal environment of its own (the
// command's environment travels as --setenv= arguments). A signal that
// ends the client there ends the command too: the client's pseudo-terminal
// hangs up. Without a terminal see ServiceManagerClient.swift.
import BackendKit
import BackendPOSIX
import CRunasBuildConfig

/// execve(program, argv, [PATH=<safe path>, TERM=<the command's TERM>]).
/// Returns only on failure, with the error filled in (and `arguments`
/// freed).
public func execServiceManager(
    program: UnsafePointer<CChar>, arguments: CStringList,
    request: UnsafePointer<runas_request>, error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    let environment = clientEnvironment(request)
    arguments.withTerminated { argv in
        environment.withTerminated { envp in
            _ = execve(program, argv, envp)
        }
    }
    let err = libc_errno()
    arguments.deallocateAll()
    environment.deallocateAll()
    return reportFailure(error, .systemError, errno: err, "cannot run", detail: program)
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
