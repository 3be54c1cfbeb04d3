// Failure.swift: how runas refuses. Every refusal is one line on stderr,
// "runas: <what went wrong>", and an exit status (1 unless the command
// could not be found, 127, or executed, 126).
import CRunasLibc
import CRunasVisible
import SystemEdge

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

func writeAll(_ fd: Int32, _ text: String) { writeAll(fd, Array(text.utf8)) }

/// "runas: <message>" on stderr, with control characters made visible so a
/// crafted argument cannot forge terminal output.
func printError(_ message: String) {
    writeAll(2, "runas: " + visible(message) + "\n")
}

/// Every refusal once the caller is known is logged, then shown; returns
/// the exit status runas leaves with.
func refuse(_ failure: Failure) -> Int32 {
    SystemLog.refusal(failure.logReason ?? failure.message)
    printError(failure.message)
    return failure.exitStatus
}

/// What a message or log line shows of text runas did not write: control
/// characters, C1 controls, bidirectional overrides and bytes that are not
/// UTF-8 escaped (runas_visible.h says exactly how), everything else as it is.
func visible(_ bytes: [UInt8]) -> String {
    var out = [UInt8](repeating: 0, count: runas_visible_capacity(bytes.count))
    let n = bytes.withUnsafeBufferPointer { input in
        out.withUnsafeMutableBufferPointer { output in
            runas_visible(input.baseAddress, input.count,
                          UnsafeMutableRawPointer(output.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }
    return String(decoding: out[0..<n], as: UTF8.self)
}

func visible(_ s: String) -> String { visible(Array(s.utf8)) }

/// strerror as a Swift string.
func describeErrno(_ code: Int32) -> String { Errno(rawValue: code).description }
