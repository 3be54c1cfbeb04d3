// Failure.swift: how runas refuses. Every refusal is one line on stderr,
// "runas: <what went wrong>", and an exit status (1 unless the command
// could not be found, 127, or executed, 126).
#if canImport(Glibc)
import Glibc
#endif

public struct Failure: Error, Equatable, Sendable {
    public var message: String
    public var exitStatus: Int32
    /// What syslog records, when it is not the message the user sees (a
    /// locked account looks like a wrong password to the user, not in the
    /// log). nil: the message.
    public var logReason: String?

    public init(_ message: String, exitStatus: Int32 = 1, log logReason: String? = nil) {
        self.message = message
        self.exitStatus = exitStatus
        self.logReason = logReason
    }
}

/// Writes raw bytes to a descriptor, retrying on EINTR and short writes.
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return }
        offset += n
    }
}

func writeAll(_ fd: Int32, _ text: String) { writeAll(fd, Array(text.utf8)) }

/// "runas: <message>" on stderr, with control characters made visible so a
/// crafted argument cannot forge terminal output.
func printError(_ message: String) {
    writeAll(2, "runas: " + visible(message) + "\n")
}

/// Every refusal once the caller is known is logged, then shown.
func exitWith(_ failure: Failure) -> Never {
    SystemLog.refusal(failure.logReason ?? failure.message)
    printError(failure.message)
    exit(failure.exitStatus)
}

/// Control characters as \xNN (C0, DEL and the C1 range, which terminals
/// such as xterm obey: U+009B is CSI) and the bidirectional overrides as
/// \u{NNNN} (they reorder what a reader sees); everything else as it is.
func visible(_ s: String) -> String {
    var out = ""
    for scalar in s.unicodeScalars {
        if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
            out += "\\x" + hex2(UInt8(scalar.value))
        } else if (0x202a...0x202e).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value) {
            out += "\\u{" + String(scalar.value, radix: 16) + "}"
        } else {
            out.unicodeScalars.append(scalar)
        }
    }
    return out
}

/// Bytes that may not be UTF-8, for messages.
func visible(_ bytes: [UInt8]) -> String { visible(String(decoding: bytes, as: UTF8.self)) }

func hex2(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
}

/// strerror as a Swift string.
func describeErrno(_ code: Int32) -> String {
    guard let s = strerror(code) else { return "error \(code)" }
    return String(cString: s)
}
