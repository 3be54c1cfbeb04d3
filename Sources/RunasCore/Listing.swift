// Listing.swift: -l/--list. Says whether the caller may use runas (root, or
// a member of wheel: there is no other policy) and through which backend;
// with a command, prints the full path that would run, as sudo -l does.
// Asks for no password and runs nothing: the answer is no secret, since
// anyone can read the group database.
#if canImport(Glibc)
import Glibc
#endif

enum Listing {
    static func run(_ o: Options, caller: Account) throws(Failure) -> Never {
        if caller.uid != 0 {
            guard let wheel = Accounts.group(named: "wheel"), Accounts.isMember(caller, of: wheel) else {
                writeAll(1, "\(caller.name) may not use runas (not a member of the group wheel)\n")
                exit(1)
            }
        }
        _ = try Runas.resolveTarget(o, caller: caller)  // -u/-g must name real accounts
        let backend = try BackendLoader.load()
        if !o.command.isEmpty {
            let path = try CommandResolver.resolve(o.command[0], cwd: Runas.workingDirectory(o))
            writeAll(1, path + [UInt8(ascii: "\n")])
            exit(0)
        }
        let why = caller.uid == 0 ? "root" : "a member of the group wheel"
        writeAll(1, """
            \(caller.name) may run any command as any user with runas (\(why))
            backend: \(backend.name) \(backend.version) (ABI \(backend.abi)) at \(backend.path)

            """)
        exit(0)
    }
}
