// Listing.swift: -l/--list. Says whether the caller may use runas (root, or
// a member of wheel: there is no other policy) and through which backend;
// with a command, prints the full path that would run and its arguments,
// as sudo -l does,
// looked up with the caller's own rights. Asks for no password and runs
// nothing: the answer is no secret, since anyone can read the group
// database.
import CRunasLibc
import SystemEdge

enum Listing {
    /// Runs `body` with the caller's effective uid and gid (root stays the
    /// saved uid, to come back), then restores root. Refuses if either
    /// switch fails rather than looking with root's rights.
    static func asCaller<T>(_ caller: Account, _ body: () throws(Failure) -> T) throws(Failure) -> T {
        guard caller.uid != 0 else { return try body() }
        let gid = getgid(), uid = getuid()
        // seteuid to the real uid leaves the saved uid (root) as it is.
        guard setegid(gid) == 0, seteuid(uid) == 0 else {
            throw Failure("cannot take on your own ids to look the command up")
        }
        defer {
            if seteuid(0) != 0 || setegid(0) != 0 {
                printError("cannot regain root after looking the command up")
                exit(1)
            }
        }
        return try body()
    }

    static func run(_ o: Options, caller: Account) throws(Failure) -> Never {
        let standing = Policy.standing(of: caller)
        guard standing.admitted else {
            writeAll(1, "\(caller.name) may not use runas (not a member of the group wheel)\n")
            exit(1)
        }
        _ = try Policy.resolveTarget(o, caller: caller)  // -u/-g must name real accounts
        let backend = try BackendLoader.load()
        if !o.command.isEmpty {
            // No password was asked: look the command up with the caller's
            // own rights, or -l would tell which files exist in directories
            // only root can read.
            let path = try asCaller(caller) { () throws(Failure) -> [UInt8] in
                try CommandResolver.resolve(o.command[0], cwd: Runas.workingDirectory(o))
            }
            // As sudo -l prints it: the full path, then the arguments.
            writeAll(1, Array(([path] + o.command.dropFirst()).joined(separator: [UInt8(ascii: " ")])) + [UInt8(ascii: "\n")])
            exit(0)
        }
        writeAll(1, """
            \(caller.name) may run any command as any user with runas (\(standing.reason))
            backend: \(backend.name) \(backend.version) (ABI \(backend.abi)) at \(backend.path)

            """)
        exit(0)
    }
}
