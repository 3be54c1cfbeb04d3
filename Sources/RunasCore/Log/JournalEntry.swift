// JournalEntry.swift: a log record as an entry of systemd-journald's
// native protocol, for SystemLog to send where journald listens. Besides
// the MESSAGE (the same escaped line syslog gets) and the usual syslog
// fields, an entry carries runas's own fields, so a reader can filter:
// `journalctl RUNAS_TARGET_USER=root`, `RUNAS_RESULT=refused`, ...
//
// One entry holds the whole line, not one per syslog record: the journal
// keeps a field whole whatever its length, and every field of the run then
// belongs to the one MESSAGE (split, the continuation records would have
// to repeat or lose them). Each RUNAS_ field is the value as the line
// shows it (escaped by visible(), a "\" written "\x5c"), without the
// line's ";" escape, which only the line's own shape needs.
import CRunasLibc

enum JournalEntry {
    /// The datagram: per field "KEY=value\n", or, when the value holds a
    /// control character (a newline would end the field and start one the
    /// caller wrote), journald's binary form: "KEY\n", the value's length
    /// as 64-bit little endian, the value, "\n". Keys are runas's own.
    static func encode(_ fields: [(key: String, value: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (key, value) in fields {
            out += Array(key.utf8)
            if value.contains(where: { $0 < 0x20 || $0 == 0x7f }) {
                out.append(UInt8(ascii: "\n"))
                var length = UInt64(value.count)
                for _ in 0..<8 {
                    out.append(UInt8(truncatingIfNeeded: length))
                    length >>= 8
                }
            } else {
                out.append(UInt8(ascii: "="))
            }
            out += value
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The fields of one record: `priority` is syslog's facility | level,
    /// `message` the escaped line.
    static func fields(_ s: LogSubject, priority: Int32, result: LogResult, reason: String?,
                       message: String, pid: Int32) -> [(key: String, value: [UInt8])] {
        func shown(_ value: [UInt8]) -> [UInt8] { Array(visible(SystemLog.backslashesEscaped(value)).utf8) }
        var fields: [(key: String, value: [UInt8])] = [
            ("MESSAGE", Array(message.utf8)),
            ("PRIORITY", Array(String(priority & 7).utf8)),
            ("SYSLOG_FACILITY", Array(String(priority >> 3).utf8)),
            ("SYSLOG_IDENTIFIER", Array("runas".utf8)),
            ("SYSLOG_PID", Array(String(pid).utf8)),
            ("RUNAS_RESULT", Array(result.name.utf8)),
        ]
        if let reason { fields.append(("RUNAS_REASON", Array(visible(reason).utf8))) }
        fields += [
            ("RUNAS_USER", shown(Array(s.user.utf8))),
            ("RUNAS_TTY", shown(Array(SystemLog.ttyShown(s).utf8))),
            ("RUNAS_PWD", shown(s.cwd)),
            ("RUNAS_TARGET_USER", shown(Array(s.target.utf8))),
        ]
        if let group = s.group { fields.append(("RUNAS_TARGET_GROUP", shown(Array(group.utf8)))) }
        if let environment = s.environment { fields.append(("RUNAS_ENV", shown(environment))) }
        fields.append(("RUNAS_COMMAND", shown(s.command)))
        return fields
    }
}

/// What a record says happened (RUNAS_RESULT).
public enum LogResult: Sendable {
    /// The command is handed to the backend.
    case run
    /// runas refused (RUNAS_REASON says why).
    case refused
    /// A wrong password, before a right one or the refusal.
    case incorrectPassword
    /// Something the run survives (a PAM problem for root, an edit kept).
    case warning

    var name: String {
        switch self {
        case .run: "run"
        case .refused: "refused"
        case .incorrectPassword: "incorrect-password"
        case .warning: "warning"
        }
    }
}
