// ServiceManagerExec.swift: what the systemd-run and run0 backends share:
// replace runas with the service manager's client program, giving that
// program only a minimal environment of its own (the command's environment
// travels as --setenv= arguments).
import BackendPOSIX

/// execve(program, argv, [PATH=<safe path>, TERM=<the command's TERM>]).
/// Returns only on failure, with the error filled in.
public func execServiceManager(
    program: UnsafePointer<CChar>, arguments: CStringList,
    request: UnsafePointer<runas_request>, error: UnsafeMutablePointer<runas_error>?
) -> Int32 {
    var environment = CStringList()
    environment.append("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    if let term = findVariable(request.pointee.envp, named: "TERM") {
        var entry = ByteString()
        entry.append(cString: term)
        environment.append(entry)
    }
    arguments.withTerminated { argv in
        environment.withTerminated { envp in
            _ = execve(program, argv, envp)
        }
    }
    return reportFailure(error, .systemError, errno: backend_errno(), "cannot run", detail: program)
}
