// BackendStatus.swift: how a backend reports an error to the core: a status code,
// an errno and a one-line message copied into the core's runas_error buffer.
import BackendPOSIX

public enum BackendStatus {
    case ok, execFailed, invalidRequest, credentialsFailed, systemError

    public var code: Int32 {
        switch self {
        case .ok: Int32(RUNAS_BACKEND_OK.rawValue)
        case .execFailed: Int32(RUNAS_BACKEND_EXEC_FAILED.rawValue)
        case .invalidRequest: Int32(RUNAS_BACKEND_INVALID_REQUEST.rawValue)
        case .credentialsFailed: Int32(RUNAS_BACKEND_CREDENTIALS_FAILED.rawValue)
        case .systemError: Int32(RUNAS_BACKEND_SYSTEM_ERROR.rawValue)
        }
    }
}

/// Fills `error` with "<what>: <strerror(errno)>" (or just "<what>" when
/// errno is 0) and returns the status code to hand back to the core.
public func reportFailure(
    _ error: UnsafeMutablePointer<runas_error>?, _ status: BackendStatus, errno err: Int32,
    _ what: StaticString, detail: UnsafePointer<CChar>? = nil
) -> Int32 {
    guard let error else { return status.code }
    error.pointee.errno_value = err
    var line = ByteString(what)
    if let detail {
        line.append(" ")
        line.append(cString: detail)
    }
    if err != 0 {
        var text = [CChar](repeating: 0, count: 128)
        text.withUnsafeMutableBufferPointer { libc_describe_errno(err, $0.baseAddress, $0.count) }
        line.append(": ")
        text.withUnsafeBufferPointer { line.append(cString: $0.baseAddress!) }
    }
    line.bytes.withUnsafeBufferPointer { backend_set_error_message(error, $0.baseAddress, $0.count) }
    return status.code
}
