// BackendRequest.swift: the runas_request handed to the backend, built in
// C memory the core owns, handed over (the backend's run function), and
// released (environment strings wiped) when the backend returns; a backend
// that execs never returns.
import CRunasBackendABI
import CRunasLibc
import SystemEdge

public struct CommandPlan {
    public var caller: Account
    public var target: Account
    /// -g's group (its name goes to the backend) and the ids the command
    /// gets (Identity.forCommand): the backend installs these, nothing else.
    public var group: GroupEntry
    var credentials: Identity
    public var commandPath: [UInt8]
    public var argv: [[UInt8]]
    public var environment: [(name: String, value: [UInt8])]
    public var pamEnvironment: [String]?
    public var cwd: [UInt8]
    public var flags: UInt32
    /// -C: the descriptors the command keeps.
    public var keepDescriptors: [Int32] = []
}

enum BackendRequest {
    static func make(_ plan: CommandPlan) -> UnsafeMutablePointer<runas_request> {
        let request = UnsafeMutablePointer<runas_request>.allocate(capacity: 1)
        let ids = plan.credentials
        let groups = UnsafeMutablePointer<UInt32>.allocate(capacity: max(ids.groups.count, 1))
        for (i, g) in ids.groups.enumerated() { groups[i] = g }
        request.initialize(to: runas_request(
            magic: RUNAS_BACKEND_MAGIC,
            abi_major: UInt16(RUNAS_BACKEND_ABI_MAJOR),
            abi_minor: UInt16(RUNAS_BACKEND_ABI_MINOR),
            struct_size: UInt32(MemoryLayout<runas_request>.size),
            flags: plan.flags,
            invoking: user(plan.caller),
            target: user(plan.target),
            target_gid: ids.gid,
            target_group_name: cString(Array(plan.group.name.utf8)),
            groups: UnsafePointer(groups),
            ngroups: ids.groups.count,
            command_path: cString(plan.commandPath),
            argv: list(plan.argv),
            envp: list(plan.environment.map { Array($0.name.utf8) + [UInt8(ascii: "=")] + $0.value }),
            cwd: cString(plan.cwd),
            pam_env: plan.pamEnvironment.map { list($0.map { Array($0.utf8) }) },
            keep_fds: descriptors(plan.keepDescriptors),
            nkeep_fds: plan.keepDescriptors.count))
        return request
    }

    static func descriptors(_ fds: [Int32]) -> UnsafePointer<Int32>? {
        if fds.isEmpty { return nil }
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: fds.count)
        for (i, fd) in fds.enumerated() { p[i] = fd }
        return UnsafePointer(p)
    }

    static func user(_ a: Account) -> runas_user {
        runas_user(name: cString(Array(a.name.utf8)), uid: a.uid, gid: a.gid,
                   home: cString(Array(a.home.utf8)), shell: cString(Array(a.shell.utf8)))
    }

    static func cString(_ bytes: [UInt8]) -> UnsafePointer<CChar> {
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
        for (i, b) in bytes.enumerated() { p[i] = CChar(bitPattern: b) }
        p[bytes.count] = 0
        return UnsafePointer(p)
    }

    /// Runs the request; the backend either replaces this process or
    /// returns the command's wait status, which becomes runas's own.
    static func hand(_ request: UnsafeMutablePointer<runas_request>, to backend: LoadedBackend) throws(Failure) -> Int32 {
        var status: Int32 = 0
        var error = runas_error()
        guard let run = backend.descriptor.pointee.run else {
            throw Failure("backend \(backend.path) has no run function")
        }
        let rc = run(request, &status, &error)
        guard rc == Int32(RUNAS_BACKEND_OK.rawValue) else {
            let message = withUnsafePointer(to: &error.message) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if rc == Int32(RUNAS_BACKEND_EXEC_FAILED.rawValue) {
                let path = String(cString: request.pointee.command_path)
                if error.errno_value == ENOENT { throw Failure("\(visible(path)): command not found", exitStatus: 127) }
                throw Failure("\(visible(path)): \(describeErrno(error.errno_value))", exitStatus: 126)
            }
            throw Failure("\(backend.name): \(message)")
        }
        return status
    }

    /// Frees everything make() allocated. The environment strings are
    /// wiped first: -E or --env may have carried a caller's secrets.
    static func release(_ request: UnsafeMutablePointer<runas_request>) {
        func free(_ s: UnsafePointer<CChar>?, wipe: Bool = false) {
            guard let s else { return }
            let p = UnsafeMutablePointer(mutating: s)
            if wipe { explicit_bzero(p, strlen(p)) }
            p.deallocate()
        }
        func free(list: UnsafePointer<UnsafePointer<CChar>?>?, wipe: Bool = false) {
            guard let list else { return }
            var i = 0
            while let s = list[i] {
                free(s, wipe: wipe)
                i += 1
            }
            UnsafeMutablePointer(mutating: list).deallocate()
        }
        let r = request.pointee
        for u in [r.invoking, r.target] {
            free(u.name)
            free(u.home)
            free(u.shell)
        }
        free(r.target_group_name)
        if let groups = r.groups { UnsafeMutablePointer(mutating: groups).deallocate() }
        free(r.command_path)
        free(list: r.argv)
        free(list: r.envp, wipe: true)
        free(r.cwd)
        free(list: r.pam_env, wipe: true)
        if let fds = r.keep_fds { UnsafeMutablePointer(mutating: fds).deallocate() }
        request.deinitialize(count: 1)
        request.deallocate()
    }

    static func list(_ items: [[UInt8]]) -> UnsafePointer<UnsafePointer<CChar>?> {
        let p = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: items.count + 1)
        for (i, item) in items.enumerated() { p[i] = cString(item) }
        p[items.count] = nil
        return UnsafePointer(p)
    }
}
