// FuzzShadowEntry.swift: the shadow-entry checks. The input's first 24
// bytes are sp_lstchg, sp_max and sp_expire; the rest is the hash field.
// Invariants: an empty, locked ('!', '*') or expired entry never matches,
// whatever the password; a password that overflowed the buffer never
// matches; the comparison is equality. The hash is only given to libcrypt
// when its method is a cheap one (no cost parameter a fuzzer could turn
// into minutes of work: /etc/shadow is root's file, not the caller's).
import CCrypt
import FuzzKit
@testable import RunasCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShadowEntry(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard input.count >= 24 else { return 0 }
    func field(_ at: Int) -> Int {
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(input[at + i]) << (8 * UInt64(i)) }
        return Int(Int64(bitPattern: v) % 100_000)   // days, either sign
    }
    let hashBytes = Array(input[24...].prefix(while: { $0 != 0 }))
    let hash = String(decoding: hashBytes, as: UTF8.self)
    let today = 20_000
    let expired = field(16) >= 0 && today >= field(16)
    let mustChange = field(0) == 0
    let aged = field(0) > 0 && field(8) >= 0 && today > field(0) + field(8)
    let unusable = hash.isEmpty || hash.hasPrefix("!") || hash.hasPrefix("*") || expired || mustChange || aged

    hash.withCString { cHash in
        var entry = spwd()
        entry.sp_pwdp = UnsafeMutablePointer(mutating: cHash)
        entry.sp_lstchg = field(0)
        entry.sp_max = field(8)
        entry.sp_expire = field(16)
        let reason = ShadowAuthenticator.unusableReason(hash: hash, entry: entry, today: today)
        require((reason != nil) == unusable, "unusable=\(unusable) but reason=\(reason ?? "nil") for \(hash.debugDescription)")
        // Only cheap methods reach crypt: DES-style and "$1$" (no rounds).
        let cheap = hash.hasPrefix("$1$") || !hash.hasPrefix("$")
        if cheap {
            let password = Secret("fuzz")
            let verdict = ShadowAuthenticator.verify(password, against: entry, today: today)
            if unusable { require(verdict != .match, "unusable entry matched: \(hash.debugDescription)") }
            let long = Secret(String(repeating: "x", count: Secret.capacity + 1))
            require(ShadowAuthenticator.verify(long, against: entry, today: today) != .match,
                    "an overflowed password matched")
        }
    }
    let a = Array(hashBytes.prefix(hashBytes.count / 2)), b = Array(hashBytes.dropFirst(hashBytes.count / 2))
    require(ShadowAuthenticator.constantTimeEqual(a, b) == (a == b), "constantTimeEqual is not equality")
    require(ShadowAuthenticator.constantTimeEqual(hashBytes, hashBytes), "a hash differs from itself")
    return 0
}
