// SystemdRunBackend.swift: the systemd-run backend. systemd-run starts the
// command as a transient service of the system manager, waits for it and
// passes its exit status back. On a terminal (--pty) it replaces runas;
// without one (--pipe) runas stays its parent to pass signals on to the
// unit (ServiceManagerClient.swift).
import BackendKit
import BackendPOSIX
import CRunasBuildConfig
import ServiceManagerKit

@_cdecl("runas_backend_v1")
public func runasBackendV1() -> UnsafePointer<runas_backend> {
    makeBackendDescriptor(name: "systemd-run", flags: serviceManagerAbilities,
                          programOptions: systemdRunOptions(), run: systemdRun)
}

private func systemdRun(
    _ request: UnsafePointer<runas_request>?, _ waitStatus: UnsafeMutablePointer<Int32>?,
    _ error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    guard let request = validatedRequest(request, error) else { return BackendStatus.invalidRequest.code }
    let r = request.pointee
    let program = runas_build_systemd_run_path()!
    var args = CStringList()
    args.append(cString: program)
    args.append(prefix: "--uid=", decimal: r.target.uid)
    args.append(prefix: "--gid=", decimal: r.target_gid)
    args.append("--quiet")
    args.append("--collect")
    args.append("--send-sighup")
    args.append("--service-type=exec")
    args.append("--wait")
    let onTerminal = r.flags & RUNAS_REQUEST_TTY.rawValue != 0
    let unit = onTerminal ? ByteString() : uniqueUnitName()  // only --pipe names its unit
    if onTerminal {
        args.append("--pty")
    } else {
        args.append("--pipe")
        args.append(prefix: "--unit=", unit)
    }
    args.append(prefix: "--working-directory=", cString: r.cwd)
    appendPreservedGroups(&args, r)
    forEachCString(r.envp) { args.append(prefix: "--setenv=", cString: $0) }
    #if !WithoutExpandEnv
    args.append("--expand-environment=false")
    #endif
    args.append("--")
    args.append(commandWord(r.command_path))
    // The service manager sets argv[0] to the path, so a login shell (-i)
    // cannot be told by a leading "-"; every common shell takes -l instead.
    if r.flags & RUNAS_REQUEST_LOGIN_SHELL.rawValue != 0 { args.append("-l") }
    var index = 1
    while let word = r.argv[index] {
        args.append(commandWord(word))
        index += 1
    }
    if onTerminal {
        return execServiceManager(program: program, arguments: args, request: request, error: error)
    }
    return runServiceManagerClient(program: program, arguments: args, unit: unit, request: request,
                                   waitStatus: waitStatus, error: error)
}

/// Every option systemdRun() may pass, with a value of the right form
/// (runas --check asks systemd-run to accept them all).
private func systemdRunOptions() -> [StaticString] {
    var options: [StaticString] = [
        "--uid=0", "--gid=0", "--quiet", "--collect", "--send-sighup", "--service-type=exec", "--wait",
        "--pty", "--pipe", "--unit=runas-check.service", "--working-directory=/",
        "--property=SupplementaryGroups=0", "--setenv=RUNAS_CHECK=1",
    ]
    #if !WithoutExpandEnv
    options.append("--expand-environment=false")
    #endif
    return options
}

/// A word of the command line as systemd-run must receive it so that the
/// command gets exactly these bytes. systemd-run without
/// --expand-environment (systemd < 254) always expands $VAR and turns $$
/// into $, so in that build every $ is doubled.
private func commandWord(_ word: UnsafePointer<CChar>) -> ByteString {
    var b = ByteString()
    b.append(cString: word)
    #if WithoutExpandEnv
    var escaped: [UInt8] = []
    for byte in b.bytes {
        escaped.append(byte)
        if byte == 36 /* $ */ { escaped.append(36) }
    }
    b.bytes = escaped
    #endif
    return b
}
