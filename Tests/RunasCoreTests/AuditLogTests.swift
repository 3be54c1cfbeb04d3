// AuditLogTests.swift: the text of the Linux audit records, which auditd's
// tools parse: one field per value, whatever the caller typed.
import Testing
@testable import RunasCore

private func text(_ event: AuditLog.Event, _ s: LogSubject) -> (Int32, String) {
    let (type, bytes) = AuditLog.record(event, s)
    return (type, String(decoding: bytes, as: UTF8.self))
}

@Suite struct AuditLogTests {
    let subject = LogSubject(user: "alice", tty: "/dev/pts/3", cwd: Array("/home/alice".utf8), target: "root",
                             command: Array("/usr/bin/id -u".utf8))

    @Test func eachEventHasItsTypeAndFields() {
        #expect(text(.commandRun, subject) == (1123,
            "cwd=\"/home/alice\" cmd=2F7573722F62696E2F6964202D75 acct=\"root\" terminal=\"pts/3\" res=success"))
        #expect(text(.wrongPassword, subject) == (1100,
            "op=authentication cwd=\"/home/alice\" cmd=2F7573722F62696E2F6964202D75 acct=\"alice\" terminal=\"pts/3\" res=failed"))
        var s = subject
        s.tty = nil
        s.group = "proj"
        #expect(text(.refused("you are not in wheel"), s) == (1109,
            "op=refused reason=796F7520617265206E6F7420696E20776865656C cwd=\"/home/alice\" "
            + "cmd=2F7573722F62696E2F6964202D75 acct=\"root\" grp=\"proj\" terminal=? res=failed"))
    }

    /// Spaces, quotes, "=", newlines and bytes that are not ASCII cannot
    /// start a field of their own: such values are hex.
    @Test func typedValuesStayOneField() {
        for typed in ["a b", "x\" res=success", "a\nres=success", "é", "tab\there", ""] {
            let encoded = String(decoding: AuditLog.encoded(Array(typed.utf8)), as: UTF8.self)
            #expect(!encoded.contains(" ") && !encoded.contains("\n"), "\(typed)")
            if typed.isEmpty { #expect(encoded == "\"\"") } else {
                #expect(encoded.allSatisfy { $0.isHexDigit } || (encoded.first == "\"" && !typed.contains("\"")))
            }
        }
        #expect(AuditLog.encoded(Array("plain=value".utf8)) == Array("\"plain=value\"".utf8))
    }

    @Test func aLongCommandIsCutToFitOneRecord() {
        var s = subject
        s.command = Array(repeating: UInt8(ascii: "x"), count: 20_000)
        let (_, bytes) = AuditLog.record(.commandRun, s)
        #expect(bytes.count <= AuditLog.textLimit)
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix("acct=\"root\" terminal=\"pts/3\" res=success"))
    }
}
