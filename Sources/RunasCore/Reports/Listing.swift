// Listing.swift: -l/--list. Says whether the caller (or with -U another
// user: only root and wheel members may ask) may use runas (root, or a
// member of wheel: there is no other policy) and through which backend;
// with a command, prints the full path that would run and its arguments,
// as sudo -l does,
// looked up with the caller's own rights. Asks for no password and runs
// nothing: the answer is no secret, since anyone can read the group
// database.
import CRunasLibc
import SystemEdge

enum Listing {
    /// The answer, printed; returns the exit status. (It returns rather
    /// than exiting so that what it built is released first: LeakSanitizer
    /// in the test build otherwise reports strings held only in registers.)
    static func run(_ o: Options, caller: Account) throws(Failure) -> Int32 {
        let subject = try whom(o, caller: caller)
        let standing = Policy.standing(of: subject)
        guard standing.admitted else {
            writeAll(1, "\(subject.name) may not use runas (\(standing.reason))\n")
            return 1
        }
        _ = try Policy.resolveTarget(o, caller: subject, callerGroups: [], in: Accounts.self)  // -u/-g must name real accounts
        let backend = try BackendLoader.load()
        if !o.command.isEmpty {
            // No password was asked: look the command up with the caller's
            // own rights, or -l would tell which files exist in directories
            // only root can read.
            let path = try ActingIdentity.acting(as: Identity.caller()) { () throws(Failure) -> [UInt8] in
                try CommandResolver.resolve(o.command[0], cwd: WorkingDirectory.forCommand(o))
            }
            // As sudo -l prints it: the full path, then the arguments.
            writeAll(1, Array(([path] + o.command.dropFirst()).joined(separator: [UInt8(ascii: " ")])) + [UInt8(ascii: "\n")])
            return 0
        }
        writeAll(1, """
            \(subject.name) may run any command as any user with runas (\(standing.reason))
            backend: \(backend.name) \(backend.version) (ABI \(backend.abi)) at \(backend.path)

            """)
        return 0
    }

    /// The caller, or -U's user (whom only an admitted caller may ask about).
    static func whom(_ o: Options, caller: Account) throws(Failure) -> Account {
        guard let other = o.otherUser else { return caller }
        guard Policy.standing(of: caller).admitted else {
            throw Failure("only root and members of the group wheel may ask about another user (-U)")
        }
        guard let account = Accounts.resolveUser(try IdSpec.parse(other, what: "user")) else {
            throw Failure("unknown user: \(visible(other))")
        }
        return account
    }
}
