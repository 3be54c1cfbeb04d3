// ShadowTests.swift: the parts of the shadow check that need no /etc/shadow.
import Testing
import CRunasLibc
import CCrypt
@testable import RunasCore

private func shadowEntry(_ hash: String, lastChange: Int = 19000, max: Int = 99999, expire: Int = -1) -> spwd {
    var e = spwd()
    e.sp_lstchg = lastChange
    e.sp_max = max
    e.sp_expire = expire
    return e
}

@Suite struct ShadowTests {
    @Test func constantTimeEqual() {
        #expect(ShadowAuthenticator.constantTimeEqual(Array("abc".utf8), Array("abc".utf8)))
        #expect(!ShadowAuthenticator.constantTimeEqual(Array("abc".utf8), Array("abd".utf8)))
        #expect(!ShadowAuthenticator.constantTimeEqual(Array("abc".utf8), Array("abcd".utf8)))
        #expect(!ShadowAuthenticator.constantTimeEqual(Array("".utf8), Array("a".utf8)))
    }

    @Test func unusableEntries() {
        let today = 20000
        #expect(ShadowAuthenticator.unusableReason(hash: "", entry: shadowEntry(""), today: today) != nil)
        #expect(ShadowAuthenticator.unusableReason(hash: "!$y$x", entry: shadowEntry(""), today: today) != nil)
        #expect(ShadowAuthenticator.unusableReason(hash: "*", entry: shadowEntry(""), today: today) != nil)
        #expect(ShadowAuthenticator.unusableReason(hash: "!!", entry: shadowEntry(""), today: today) != nil)
        #expect(ShadowAuthenticator.unusableReason(hash: "$6$x", entry: shadowEntry("", expire: 19999), today: today) != nil)
        #expect(ShadowAuthenticator.unusableReason(hash: "$6$x", entry: shadowEntry("", lastChange: 0), today: today) != nil)
        #expect(ShadowAuthenticator.unusableReason(hash: "$6$x", entry: shadowEntry("", lastChange: 19000, max: 30), today: today) != nil)
        #expect(ShadowAuthenticator.unusableReason(hash: "$6$x", entry: shadowEntry(""), today: today) == nil)
        #expect(ShadowAuthenticator.unusableReason(hash: "$6$x", entry: shadowEntry("", lastChange: -1, max: -1), today: today) == nil)
    }

    @Test func hashRoundTripWithLibcrypt() {
        // A SHA-512 hash made by libcrypt itself, then checked both ways.
        let computed = String(cString: crypt("secret", "$6$saltsalt$"))
        #expect(ShadowAuthenticator.hashMatches(Secret("secret"), hash: computed))
        #expect(!ShadowAuthenticator.hashMatches(Secret("Secret"), hash: computed))
        #expect(!ShadowAuthenticator.hashMatches(Secret("secret"), hash: "!" + computed))
    }

    @Test func overlongPasswordNeverMatches() {
        let secret = Secret()
        for _ in 0..<(Secret.capacity + 10) { secret.append(UInt8(ascii: "a")) }
        #expect(secret.overflowed)
        #expect(secret.count == Secret.capacity)
    }
}
