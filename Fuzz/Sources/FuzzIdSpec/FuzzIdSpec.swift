// FuzzIdSpec.swift: the -u/-g value parser (IdSpec). Invariants: "#N" yields
// an id only for plain decimal digits whose value is at most 4294967294
// (never (uid_t)-1, the CVE-2019-14287 class), and a rejected "#..." value
// never turns into a name; anything else is a non-empty name, unchanged.
import FuzzKit
@testable import RunasCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIdSpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    do {
        switch try IdSpec.parse(text, what: "user") {
        case .id(let value):
            let digits = Array(text.utf8.dropFirst())
            require(text.hasPrefix("#"), "an id without '#': \(text.debugDescription)")
            require(!digits.isEmpty && digits.allSatisfy { $0 >= 48 && $0 <= 57 },
                    "an id from non-digits: \(text.debugDescription)")
            require(value <= IdSpec.maximumId, "(uid_t)-1 accepted from \(text.debugDescription)")
            // The value is what the digits say, with no wrap-around.
            var expected: UInt64 = 0
            for d in digits { expected = expected * 10 + UInt64(d - 48); if expected > 1 << 40 { break } }
            require(expected == UInt64(value), "\(text.debugDescription) parsed as \(value)")
        case .name(let name):
            require(!text.hasPrefix("#"), "a rejected id became a name: \(text.debugDescription)")
            require(name == text && !name.isEmpty, "name changed: \(text.debugDescription)")
        }
    } catch {
        // Refused: the message names the value; nothing else to check.
        require(!error.message.isEmpty, "empty refusal")
    }
    return 0
}
