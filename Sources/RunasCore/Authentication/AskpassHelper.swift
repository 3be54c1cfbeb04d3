// AskpassHelper.swift: -A/--askpass. Runs the helper program named by
// RUNAS_ASKPASS (or SUDO_ASKPASS) as the caller, never as root: it gets the
// caller's ids, the caller's own environment (it usually needs DISPLAY),
// the prompt as its one argument, and /dev/null as stdin; runas reads one
// line of its standard output as the password. Running it gives the caller
// nothing they could not do themselves.
import CRunasLibc
import CRunasSupport
import SystemEdge

public enum AskpassHelper {
    static let variables = ["RUNAS_ASKPASS", "SUDO_ASKPASS"]

    /// The helper named in the caller's environment: an absolute path.
    public static func program(in environment: [[UInt8]]) throws(Failure) -> [UInt8] {
        for name in variables {
            let prefix = Array((name + "=").utf8)
            guard let entry = environment.first(where: { $0.starts(with: prefix) }) else { continue }
            let path = Array(entry.dropFirst(prefix.count))
            if path.isEmpty { continue }
            guard path.first == UInt8(ascii: "/") else {
                throw Failure("\(name) must be an absolute path, not '\(visible(path))'")
            }
            return path
        }
        throw Failure("-A needs a helper program: set RUNAS_ASKPASS (or SUDO_ASKPASS) to its absolute path")
    }

    /// One password from one run of the helper; nil when it printed
    /// nothing (for example because the user pressed Cancel).
    static func read(prompt: String, program: [UInt8], environment: [[UInt8]]) throws(Failure) -> Secret? {
        let argv = CStringArray([program, Array(prompt.utf8)])
        let envp = CStringArray(environment)
        var output: Int32 = -1
        let pid = runas_spawn_unprivileged(argv.pointers[0], argv.pointers, envp.pointers, &output, 0)
        guard pid > 0 else {
            let error = Errno.current
            throw Failure("cannot run the askpass helper \(visible(program)): \(error.description)")
        }
        defer { close(output) }
        let outcome: PasswordPrompt.LineOutcome
        do {
            outcome = try PasswordPrompt.readLine(fd: output)
        } catch {
            kill(pid, SIGTERM)
            reap(pid)
            throw error
        }
        let status = reap(pid)
        let secret = outcome.secret()
        // A helper that fails (or is killed) was cancelled, even if it
        // printed something first: that may be an error message, and must
        // not be tried as a password (nor count as a failed try).
        if status != .exited(0) {
            secret?.wipe()
            return nil
        }
        return secret
    }

    @discardableResult
    static func reap(_ pid: pid_t) -> WaitStatus? {
        try? WaitStatus.wait(for: pid)
    }
}
