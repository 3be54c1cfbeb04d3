// BackendLoader.swift: finds, checks and loads the one backend.
//
// The path is fixed at build time. Before anything is loaded: the file must
// be a regular file owned by root and not writable by group or others, and
// every directory on the way to it (and to where a symlink leads) must be
// owned by root and not writable by group or others. The checked
// descriptor itself is then loaded through /proc/self/fd/N, so the file
// cannot be swapped between check and load. The backend is never unloaded.
#if canImport(Glibc)
import Glibc
#endif
import CRunasBackendABI
import CRunasSupport

public struct LoadedBackend {
    public let path: String
    public let descriptor: UnsafePointer<runas_backend>

    // Fields are read one by one through pointer(to:) (an older backend's
    // record may be shorter than ours); key paths spelled with their
    // Optional types, so no force-unwrap component sneaks into them.
    public var name: String {
        let p: UnsafePointer<CChar>? = descriptor.pointer(to: \runas_backend.name)!.pointee
        return p.map { String(cString: $0) } ?? "unnamed"
    }
    public var version: String {
        let p: UnsafePointer<CChar>? = descriptor.pointer(to: \runas_backend.version)!.pointee
        return p.map { String(cString: $0) } ?? "unknown"
    }
    public var abi: String { "\(descriptor.pointer(to: \.abi_major)!.pointee).\(descriptor.pointer(to: \.abi_minor)!.pointee)" }

    /// The backend runs the command as a child and returns its status
    /// (ABI 1.1 flag; a 1.0 backend is taken to replace the process).
    public var waitsForCommand: Bool {
        guard BackendLoader.has(descriptor, \.flags) else { return false }
        return descriptor.pointer(to: \.flags)!.pointee & RUNAS_BACKEND_WAITS_FOR_COMMAND.rawValue != 0
    }
}

public enum BackendLoader {
    public static var configuredPath: String { String(cString: runas_config_backend_path()) }

    public static func load(path: String = configuredPath) throws(Failure) -> LoadedBackend {
        guard path.hasPrefix("/") else { throw Failure("backend path \(path) is not absolute") }
        try checkDirectories(of: path)
        var resolvedBuffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(path, &resolvedBuffer) != nil else {
            throw Failure("no usable backend: \(path): \(describeErrno(errno))")
        }
        let resolved = String(cString: &resolvedBuffer)
        if resolved != path { try checkDirectories(of: resolved) }

        let fd = open(resolved, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw Failure("no usable backend: \(path): \(describeErrno(errno))") }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure("backend \(path): \(describeErrno(errno))") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw Failure("backend \(path) is not a regular file") }
        guard st.st_uid == 0 else { throw Failure("backend \(path) is not owned by root, refusing to load it") }
        guard st.st_mode & 0o022 == 0 else {
            throw Failure("backend \(path) is writable by group or others, refusing to load it")
        }

        guard let handle = dlopen("/proc/self/fd/\(fd)", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let why = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw Failure("cannot load backend \(path): \(why)")
        }
        close(fd)
        return try entry(handle, path: path)
    }

    static func entry(_ handle: UnsafeMutableRawPointer, path: String) throws(Failure) -> LoadedBackend {
        let ours = "\(RUNAS_BACKEND_ABI_MAJOR).\(RUNAS_BACKEND_ABI_MINOR)"
        guard let symbol = dlsym(handle, "runas_backend_v\(RUNAS_BACKEND_ABI_MAJOR)") else {
            for major in 0...9 where major != RUNAS_BACKEND_ABI_MAJOR {
                if dlsym(handle, "runas_backend_v\(major)") != nil {
                    throw Failure("backend \(path) was built for ABI \(major), this runas speaks ABI \(ours)")
                }
            }
            throw Failure("\(path) is not a runas backend (no runas_backend_v\(RUNAS_BACKEND_ABI_MAJOR))")
        }
        let function = unsafeBitCast(symbol, to: runas_backend_entry_v1.self)
        guard let descriptor = function() else { throw Failure("backend \(path) returned no descriptor") }
        // Field by field: a backend of an older minor version has a shorter
        // record, so it is never copied whole.
        let magic = descriptor.pointer(to: \.magic)!.pointee
        let major = descriptor.pointer(to: \.abi_major)!.pointee
        let minor = descriptor.pointer(to: \.abi_minor)!.pointee
        guard magic == RUNAS_BACKEND_MAGIC else { throw Failure("\(path) is not a runas backend (bad magic)") }
        guard major == UInt16(RUNAS_BACKEND_ABI_MAJOR) else {
            throw Failure("backend \(path) was built for ABI \(major).\(minor), this runas speaks ABI \(ours)")
        }
        // Every 1.0 field must be there; later ones are read only if present.
        guard has(descriptor, \.run), descriptor.pointer(to: \.name)!.pointee != nil,
              descriptor.pointer(to: \.run)!.pointee != nil else {
            throw Failure("backend \(path) has an incomplete descriptor")
        }
        return LoadedBackend(path: path, descriptor: descriptor)
    }

    /// Whether the record, by its struct_size, contains the field.
    static func has<T>(_ d: UnsafePointer<runas_backend>, _ field: KeyPath<runas_backend, T>) -> Bool {
        let end = MemoryLayout<runas_backend>.offset(of: field)! + MemoryLayout<T>.size
        return Int(d.pointer(to: \.struct_size)!.pointee) >= end
    }

    /// Each directory from / down to the file's parent must be root-owned
    /// and writable by neither group nor others. stat follows a symlinked
    /// component to where it leads; the caller checks the fully resolved
    /// path as well, so both the link's and the target's directories pass.
    static func checkDirectories(of path: String) throws(Failure) {
        var prefix = ""
        var dirs = ["/"]
        let parts = path.split(separator: "/").dropLast()
        for part in parts {
            prefix += "/" + part
            dirs.append(prefix)
        }
        for dir in dirs {
            var st = stat()
            guard stat(dir, &st) == 0 else {
                throw Failure("no usable backend: \(dir): \(describeErrno(errno))")
            }
            guard st.st_uid == 0, st.st_mode & 0o022 == 0 else {
                throw Failure("backend directory \(dir) is not root-owned or is writable by others, refusing to load \(path)")
            }
        }
    }
}
