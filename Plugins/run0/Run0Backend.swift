// Run0Backend.swift: the run0 backend (systemd >= 257: --shell-prompt-prefix=). run0 runs the
// command as a transient service on a new pseudo-terminal (or pipes) and
// passes its exit status back. On a terminal it replaces runas; without one
// runas stays its parent to pass signals on to the unit
// (ServiceManagerClient.swift).
import BackendKit
import BackendPOSIX
import CRunasBuildConfig
import ServiceManagerKit

@_cdecl("runas_backend_v1")
public func runasBackendV1() -> UnsafePointer<runas_backend> {
    makeBackendDescriptor(name: "run0", flags: serviceManagerAbilities, programOptions: run0Options(), run: run0Run)
}

private func run0Run(
    _ request: UnsafePointer<runas_request>?, _ waitStatus: UnsafeMutablePointer<Int32>?,
    _ error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    guard let request = validatedRequest(request, error) else { return BackendStatus.invalidRequest.code }
    let r = request.pointee
    let program = runas_build_run0_path()!
    var args = CStringList()
    args.append(cString: program)
    // Numeric ids: exactly the account the core resolved, no second lookup.
    args.append(prefix: "--user=", decimal: r.target.uid)
    args.append(prefix: "--group=", decimal: r.target_gid)
    args.append(prefix: "--chdir=", cString: r.cwd)
    // run0 itself picks pipes exactly when not all of stdin, stdout and
    // stderr are terminals (RUNAS_REQUEST_TTY unset).
    let onTerminal = r.flags & RUNAS_REQUEST_TTY.rawValue != 0
    let unit = onTerminal ? ByteString() : uniqueUnitName()  // only --pipe names its unit
    if !onTerminal {
        args.append(prefix: "--unit=", unit)
    }
    appendPreservedGroups(&args, r)
    forEachCString(r.envp) { args.append(prefix: "--setenv=", cString: $0) }
    // No background tint and no emoji prefix in the shell prompt.
    args.append("--background=")
    args.append("--shell-prompt-prefix=")
    args.append("--")
    args.append(cString: r.command_path)
    // The service manager sets argv[0] to the path, so a login shell (-i)
    // cannot be told by a leading "-"; every common shell takes -l instead.
    if r.flags & RUNAS_REQUEST_LOGIN_SHELL.rawValue != 0 { args.append("-l") }
    var index = 1
    while let word = r.argv[index] {
        args.append(cString: word)
        index += 1
    }
    if onTerminal {
        return execServiceManager(program: program, arguments: args, request: request, error: error)
    }
    return runServiceManagerClient(program: program, arguments: args, unit: unit, request: request,
                                   waitStatus: waitStatus, error: error)
}

/// Every option run0Run() may pass, with a value of the right form
/// (runas --check asks run0 to accept them all).
private func run0Options() -> [StaticString] {
    ["--user=0", "--group=0", "--chdir=/", "--unit=runas-check.service", "--property=SupplementaryGroups=0",
     "--setenv=RUNAS_CHECK=1", "--background=", "--shell-prompt-prefix="]
}
