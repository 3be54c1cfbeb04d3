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

    public var name: String { String(cString: descriptor.pointee.name) }
    public var version: String {
        descriptor.pointee.version.map { String(cString: $0) } ?? "unknown"
    }
    public var abi: String { "\(descriptor.pointee.abi_major).\(descriptor.pointee.abi_minor)" }
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
        guard st.st_uid == 0 else { throw Failure("backend \(path) is not owned by root; refusing to load it") }
        guard st.st_mode & 0o022 == 0 else {
            throw Failure("backend \(path) is writable by group or others; refusing to load it")
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
        let d = descriptor.pointee
        guard d.magic == RUNAS_BACKEND_MAGIC else { throw Failure("\(path) is not a runas backend (bad magic)") }
        guard d.abi_major == UInt16(RUNAS_BACKEND_ABI_MAJOR) else {
            throw Failure("backend \(path) was built for ABI \(d.abi_major).\(d.abi_minor), this runas speaks ABI \(ours)")
        }
        guard Int(d.struct_size) >= MemoryLayout<runas_backend>.size, d.name != nil, d.run != nil else {
            throw Failure("backend \(path) has an incomplete descriptor")
        }
        return LoadedBackend(path: path, descriptor: descriptor)
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
                throw Failure("backend directory \(dir) is not root-owned or is writable by others; refusing to load \(path)")
            }
        }
    }
}
