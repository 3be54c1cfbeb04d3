// ShadowAuthenticator.swift: checks a password against the caller's
// /etc/shadow entry with libcrypt: one hash computation (crypt_rn), compared
// in constant time. Locked, empty and expired entries never match.
import CCrypt
import CRunasLibc
import SystemEdge

public enum ShadowVerdict: Equatable, Sendable {
    case match
    case mismatch
    /// The entry can never match (locked, empty, expired); the reason is
    /// for the log only: the user sees the same as a wrong password.
    case refused(String)
}

public enum ShadowAuthenticator {
    /// The caller's shadow entry, or nil.
    public static func entry(for user: String) -> spwd? {
        libc_set_errno(0)
        return getspnam(user)?.pointee
    }

    public static func verify(_ password: Secret, against entry: spwd, today: Int = currentDay()) -> ShadowVerdict {
        let hash = entry.sp_pwdp.map { String(cString: $0) } ?? ""
        if let reason = unusableReason(hash: hash, entry: entry, today: today) { return .refused(reason) }
        if password.overflowed { return .mismatch }
        return hashMatches(password, hash: hash) ? .match : .mismatch
    }

    static func unusableReason(hash: String, entry: spwd, today: Int) -> String? {
        if hash.isEmpty { return "empty password entry" }
        if hash.hasPrefix("!") || hash.hasPrefix("*") { return "account locked" }
        if entry.sp_expire >= 0 && today >= entry.sp_expire { return "account expired" }
        if entry.sp_lstchg == 0 { return "password must be changed" }
        if entry.sp_lstchg > 0 && entry.sp_max >= 0 && today > entry.sp_lstchg + entry.sp_max {
            return "password expired"
        }
        return nil
    }

    /// crypt_rn(password, stored hash) == stored hash, compared without an
    /// early exit so timing says nothing about where they differ.
    static func hashMatches(_ password: Secret, hash: String) -> Bool {
        let size = MemoryLayout<crypt_data>.size
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        memset(data, 0, size)
        defer {
            explicit_bzero(data, size)
            data.deallocate()
        }
        guard let out = crypt_rn(password.cString, hash, data, Int32(size)) else { return false }
        let computed = Array(UnsafeRawBufferPointer(start: out, count: strlen(out)))
        return constantTimeEqual(computed, Array(hash.utf8))
    }

    public static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= x ^ y
        }
        return diff == 0 && a.count == b.count
    }

    public static func currentDay() -> Int { Int(time(nil) / 86_400) }
}
