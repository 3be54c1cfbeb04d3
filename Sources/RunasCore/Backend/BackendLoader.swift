// BackendLoader.swift: finds, checks and loads the one backend.
//
// The path is fixed at build time. Before anything is loaded: the file must
// be a regular file owned by root and not writable by group or others, and
// every directory on the way to it (and to where a symlink leads) must be
// owned by root and not writable by group or others. The checked
// descriptor itself is then loaded through /proc/self/fd/N, so the file
// cannot be swapped between check and load. The backend is never unloaded.
import CRunasBackendABI
import CRunasBuildConfig
import CRunasLibc
import CRunasSupport
import SystemEdge

public struct LoadedBackend {
    public let path: String
    public let descriptor: UnsafePointer<runas_backend>

    public var name: String {
        descriptor.pointee.name.map { String(cString: $0) } ?? "unnamed"
    }
    public var version: String {
        descriptor.pointee.version.map { String(cString: $0) } ?? "unknown"
    }
    public var abi: String { "\(descriptor.pointee.abi_major).\(descriptor.pointee.abi_minor)" }

    /// The backend runs the command as a child and returns its status
    /// (ABI 1.1 flag; a 1.0 backend is taken to replace the process).
    public var waitsForCommand: Bool {
        runas_backend_record_flags(descriptor) & RUNAS_BACKEND_WAITS_FOR_COMMAND.rawValue != 0
    }

    /// Whether the backend says it can do this (ABI 1.4 flags; an older
    /// backend can do none of them).
    public func can(_ flag: runas_backend_flag) -> Bool {
        descriptor.pointee.abi_minor >= 4 && runas_backend_record_flags(descriptor) & flag.rawValue != 0
    }
}

// (The record is read through `descriptor.pointee.field`, which reads that
// one field where it lies, never a copy of the whole record: an older
// backend's record may be shorter than ours. Fields after 1.0 are read in
// C, behind RUNAS_HAS_FIELD: backend_record.c.)

public enum BackendLoader {
    public static var configuredPath: String { String(cString: runas_build_backend_path()) }

    public static func load(path: String = configuredPath) throws(Failure) -> LoadedBackend {
        guard path.hasPrefix("/") else { throw Failure("backend path \(path) is not absolute") }
        try checkDirectories(of: path)
        var resolvedBuffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(path, &resolvedBuffer) != nil else {
            let error = Errno.current
            throw Failure("no usable backend: \(path): \(error.description)")
        }
        let resolved = String(cString: &resolvedBuffer)
        if resolved != path { try checkDirectories(of: resolved) }

        let file: FileDescriptor
        do throws(Errno) { file = try FileDescriptor.open(resolved, O_RDONLY | O_NOFOLLOW) } catch {
            throw Failure("no usable backend: \(path): \(error.description)")
        }
        let st: FileStatus
        do throws(Errno) { st = try file.status() } catch { throw Failure("backend \(path): \(error.description)") }
        guard st.isRegularFile else { throw Failure("backend \(path) is not a regular file") }
        guard st.owner == 0 else { throw Failure("backend \(path) is not owned by root, refusing to load it") }
        guard st.isRootOwnedAndOnlyRootWritable else {
            throw Failure("backend \(path) is writable by group or others, refusing to load it")
        }

        let loaded = dlopen("/proc/self/fd/\(file.rawValue)", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)
        _ = consume file   // closed here, after the load (and on every throw above)
        guard let handle = loaded else {
            let why = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw Failure("cannot load backend \(path): \(why)")
        }
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
        let magic = descriptor.pointee.magic
        let major = descriptor.pointee.abi_major
        let minor = descriptor.pointee.abi_minor
        guard magic == RUNAS_BACKEND_MAGIC else { throw Failure("\(path) is not a runas backend (bad magic)") }
        guard major == UInt16(RUNAS_BACKEND_ABI_MAJOR) else {
            throw Failure("backend \(path) was built for ABI \(major).\(minor), this runas speaks ABI \(ours)")
        }
        // Every 1.0 field must be there; later ones are read only if present.
        guard runas_backend_record_is_complete(descriptor) != 0 else {
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
            let st: FileStatus
            do throws(Errno) { st = try FileStatus.of(dir) } catch {
                throw Failure("no usable backend: \(dir): \(error.description)")
            }
            guard st.isRootOwnedAndOnlyRootWritable else {
                throw Failure("backend directory \(dir) is not root-owned or is writable by others, refusing to load \(path)")
            }
        }
    }
}
