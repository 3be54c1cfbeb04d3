// Descriptor.swift: builds the static runas_backend record a backend's
// runas_backend_v1() returns, and checks the request the core hands in.
import BackendPOSIX
import CRunasBuildConfig

/// The C signature of runas_backend.run.
public typealias BackendRunFunction = @convention(c) (
    UnsafePointer<runas_request>?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<runas_error>?
) -> Int32

/// The record, once made: every call returns the same one, kept for the
/// life of the process (the ABI's "const struct"; nothing to free, and no
/// leak for LeakSanitizer to report in the core's ASan builds).
nonisolated(unsafe) private var descriptor: UnsafePointer<runas_backend>? = nil

/// Makes the backend record on the first call and returns it on every call.
/// The name is a static string and the version the build's constant for
/// that name (runas_build_config.h), so the pointers stay valid.
/// programOptions: what runas --check asks the backend's program to accept
/// (ABI 1.5; none for a backend without one).
public func makeBackendDescriptor(
    name: StaticString, flags: UInt32 = 0, programOptions: [StaticString] = [], run: BackendRunFunction
) -> UnsafePointer<runas_backend> {
    if let descriptor { return descriptor }
    var options: UnsafePointer<UnsafePointer<CChar>?>? = nil
    if !programOptions.isEmpty {
        let list = UnsafeMutablePointer<UnsafePointer<CChar>?>.allocate(capacity: programOptions.count + 1)
        for (i, option) in programOptions.enumerated() { list[i] = staticCString(option) }
        list[programOptions.count] = nil
        options = UnsafePointer(list)
    }
    let record = UnsafeMutablePointer<runas_backend>.allocate(capacity: 1)
    record.initialize(to: runas_backend(
        magic: RUNAS_BACKEND_MAGIC,
        abi_major: UInt16(RUNAS_BACKEND_ABI_MAJOR),
        abi_minor: UInt16(RUNAS_BACKEND_ABI_MINOR),
        struct_size: UInt32(MemoryLayout<runas_backend>.size),
        name: staticCString(name),
        version: runas_build_backend_version(staticCString(name)),
        run: run,
        flags: flags,
        program_options: options))
    descriptor = UnsafePointer(record)
    return UnsafePointer(record)
}

func staticCString(_ s: StaticString) -> UnsafePointer<CChar> {
    UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

/// The request, after checking it is one this backend understands: same ABI
/// major, and large enough to hold every field of version 1.0.
public func validatedRequest(
    _ request: UnsafePointer<runas_request>?, _ error: UnsafeMutablePointer<runas_error>?
) -> UnsafePointer<runas_request>? {
    guard let request else {
        _ = reportFailure(error, .invalidRequest, errno: 0, "no request")
        return nil
    }
    let r = request.pointee
    guard r.magic == RUNAS_BACKEND_MAGIC, r.abi_major == UInt16(RUNAS_BACKEND_ABI_MAJOR),
          Int(r.struct_size) >= MemoryLayout<runas_request>.size,
          r.command_path != nil, r.argv != nil, r.envp != nil, r.cwd != nil,
          r.target.home != nil, r.target.name != nil
    else {
        _ = reportFailure(error, .invalidRequest, errno: 0, "request of an unknown ABI version or incomplete")
        return nil
    }
    return request
}
