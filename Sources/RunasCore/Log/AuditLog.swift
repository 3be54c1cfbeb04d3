// AuditLog.swift: Linux audit records, which among the peers only sudo
// sends: USER_CMD for every command runas runs (and every -e session),
// USER_AUTH for each wrong password (shadow builds; in PAM builds libpam,
// built with audit by Debian, Fedora and Arch, records PAM's own), and
// USER_ERR for every refusal once the caller is known (the same moments as
// the syslog lines). The text has libaudit's shape, e.g.
//
//   cwd="/home/alice" cmd=2F7573722F62696E2F6964202D75 acct="root" terminal=pts/0 res=success
//
// A value with a space, a double quote or a byte outside printable ASCII is
// written in hex, as auditd's tools expect and decode (ausearch -i); the
// kernel adds who sent it: pid, uid (the caller's real uid), auid, ses.
// Sent best effort (audit.c): no audit is not an error.
import CRunasSupport

enum AuditLog {
    enum Event: Equatable {
        case commandRun
        case wrongPassword
        case refused(String)
    }

    /// The record types (linux/audit.h).
    static let userAuthentication: Int32 = 1100
    static let userError: Int32 = 1109
    static let userCommand: Int32 = 1123

    /// Room for the text in one record (the kernel takes 8970 bytes); a
    /// longer command is cut to fit (the syslog line has it whole).
    static let textLimit = 8900

    static func send(_ event: Event, _ subject: LogSubject) {
        let (type, text) = record(event, subject)
        _ = (text + [0]).withUnsafeBufferPointer {
            runas_audit_send(type, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }

    /// The record's type and text.
    static func record(_ event: Event, _ s: LogSubject) -> (Int32, [UInt8]) {
        let tty = SystemLog.ttyName(s).map { Array($0.utf8) }
        var head: [UInt8] = []
        let type: Int32
        let account: String
        switch event {
        case .commandRun:
            type = userCommand
            account = s.target
        case .wrongPassword:
            type = userAuthentication
            account = s.user
            head = Array("op=authentication ".utf8)
        case .refused(let reason):
            type = userError
            account = s.target
            head = Array("op=refused reason=".utf8) + encoded(Array(reason.utf8)) + [UInt8(ascii: " ")]
        }
        var tail = Array(" acct=".utf8) + encoded(Array(account.utf8))
        if let group = s.group { tail += Array(" grp=".utf8) + encoded(Array(group.utf8)) }
        tail += Array(" terminal=".utf8) + (tty.map(encoded) ?? [UInt8(ascii: "?")])
        tail += Array(" res=".utf8) + Array((event == .commandRun ? "success" : "failed").utf8)
        head += Array("cwd=".utf8) + encoded(s.cwd) + Array(" cmd=".utf8)
        // Hex is two bytes a byte: keep what fits.
        var command = encoded(s.command)
        let room = textLimit - head.count - tail.count
        if command.count > room { command = hex(Array(s.command.prefix(max(room / 2, 0)))) }
        return (type, head + command + tail)
    }

    /// "value" when it is plain printable ASCII without a quote, else hex.
    static func encoded(_ value: [UInt8]) -> [UInt8] {
        let plain = value.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") }
        return plain ? [UInt8(ascii: "\"")] + value + [UInt8(ascii: "\"")] : hex(value)
    }

    static func hex(_ value: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(value.count * 2)
        for byte in value {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return out
    }
}
