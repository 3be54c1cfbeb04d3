// SystemLog.swift: every success, every refusal and every failed password
// try is logged: to systemd-journald where it listens (JournalEntry.swift:
// the same line, plus fields to filter on), else to syslog
// (openlog("runas", LOG_PID, LOG_AUTHPRIV)), in sudo's shape:
//
//   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u
//   alice : TTY=pts/0 ; PWD=/ ; USER=bob ; GROUP=proj ; ENV=A=1 ; COMMAND=/usr/bin/env
//   alice : incorrect password attempt ; TTY=pts/0 ; PWD=... ; USER=root ; COMMAND=id -u
//
// Nothing is cut off: a line longer than one record (maximumLength bytes)
// goes on in further records, "alice : (command continued) ...", split at
// a space where there is one, as sudo does. Fields are kept as bytes and
// escaped once, when sent (runas_visible: control characters, C1, bidi
// overrides and bytes that are not UTF-8 become \xNN / \u{NNNN}). What is
// logged about a run (the subject) fills in as runas learns it: the
// command as typed until it is resolved, then its full path. The same
// moments go to the Linux audit subsystem too (AuditLog.swift).
import CRunasLibc
import CRunasSupport
import SystemEdge

public struct LogSubject: Sendable {
    public var user: String
    public var tty: String?
    public var cwd: [UInt8]
    public var target: String
    /// -g, when given.
    public var group: String? = nil
    /// Variables set on the command line (--env, VAR=VALUE), as typed.
    public var environment: [UInt8]? = nil
    public var command: [UInt8]
}

public enum SystemLog {
    /// Bytes per record (sudo's syslog_maxlen is 960 with its own prefix).
    static let maximumLength = 900
    nonisolated(unsafe) static var opened = false
    /// Who is running what; nil until the caller is known (usage errors
    /// before that are not security events and are not logged).
    nonisolated(unsafe) public static var subject: LogSubject?

    /// Called first thing, so PAM modules' lines (pam_syslog) carry the
    /// same ident, pid and facility. Connects only when a line is sent.
    public static func open() {
        if !opened {
            runas_openlog()
            opened = true
        }
    }

    /// One record: to journald as one entry if it takes it, else to syslog
    /// (in as many records as it takes), never both: journald reads
    /// /dev/log too, and would have it twice. Where no journald listens
    /// (no socket at its fixed path, or nobody behind it) or the send
    /// fails (an entry too large for one datagram), syslog has it as
    /// before; neither is ever an error for the run.
    static func send(_ priority: Int32, _ s: LogSubject, reason: String?, result: LogResult) {
        open()
        let message = visible(line(s, reason: reason))
        let entry = JournalEntry.encode(JournalEntry.fields(s, priority: priority, result: result, reason: reason,
                                                            message: message, pid: getpid()))
        if entry.withUnsafeBytes({ runas_journal_send($0.baseAddress, $0.count) }) == 0 { return }
        for record in records(message, user: visible(s.user)) {
            runas_syslog(priority, record)
        }
    }

    /// The terminal without "/dev/" ("pts/0"), or nil without one.
    static func ttyName(_ s: LogSubject) -> String? {
        s.tty.map { $0.hasPrefix("/dev/") ? String($0.dropFirst(5)) : $0 }
    }

    /// TTY= as the line shows it: ttyName, or "unknown".
    static func ttyShown(_ s: LogSubject) -> String { ttyName(s) ?? "unknown" }

    /// "alice : [reason ; ]TTY=... ; PWD=... ; USER=... ; COMMAND=...", raw.
    /// In every field before COMMAND= a ";" is written "\x3b": a value the
    /// caller chose (a -D, a -u as typed, an assignment) must not be able
    /// to forge the fields after it, in this record or the first of many.
    /// In every field after the reason, and in the command, a "\" is
    /// written "\x5c", so each "\" there starts an escape runas wrote: a
    /// typed "a\x3bb" or "\x1b" cannot pass for a ";" or an ESC. (The
    /// reason is runas's own words; a value quoted in it went through
    /// visible() already, and the fields after it give it exactly.)
    public static func line(_ s: LogSubject, reason: String?) -> [UInt8] {
        let tty = ttyShown(s)
        var out = Array("\(s.user) : ".utf8)
        if let reason { out += semicolonsEscaped(Array(reason.utf8)) + Array(" ; ".utf8) }
        out += Array("TTY=".utf8) + field(Array(tty.utf8)) + Array(" ; PWD=".utf8) + field(s.cwd)
        out += Array(" ; USER=".utf8) + field(Array(s.target.utf8)) + Array(" ; ".utf8)
        if let group = s.group { out += Array("GROUP=".utf8) + field(Array(group.utf8)) + Array(" ; ".utf8) }
        if let environment = s.environment { out += Array("ENV=".utf8) + field(environment) + Array(" ; ".utf8) }
        return out + Array("COMMAND=".utf8) + backslashesEscaped(s.command)
    }

    static func field(_ value: [UInt8]) -> [UInt8] {
        semicolonsEscaped(backslashesEscaped(value))
    }

    static func semicolonsEscaped(_ value: [UInt8]) -> [UInt8] {
        value.flatMap { $0 == UInt8(ascii: ";") ? Array("\\x3b".utf8) : [$0] }
    }

    static func backslashesEscaped(_ value: [UInt8]) -> [UInt8] {
        value.flatMap { $0 == UInt8(ascii: "\\") ? Array("\\x5c".utf8) : [$0] }
    }

    /// The (escaped) line as syslog records of at most maximumLength
    /// bytes: the first as it starts, the rest after "USER : (command
    /// continued) ". A record ends at its last space (which the next one
    /// replaces), or, in a word longer than a record, at a character
    /// boundary.
    static func records(_ text: String, user: String) -> [String] {
        let bytes = Array(text.utf8)
        let continued = Array("\(user) : (command continued) ".utf8)
        var result: [String] = []
        var start = 0
        var prefix: [UInt8] = []
        while true {
            let room = max(maximumLength - prefix.count, 16)
            if bytes.count - start <= room {
                result.append(String(decoding: prefix + bytes[start...], as: UTF8.self))
                return result
            }
            var end = start + room
            var next: Int
            if let space = bytes[(start + 1)..<end].lastIndex(of: UInt8(ascii: " ")) {
                end = space
                next = space + 1
            } else {
                while end > start + 1 && bytes[end] & 0xc0 == 0x80 { end -= 1 }
                next = end
            }
            result.append(String(decoding: prefix + bytes[start..<end], as: UTF8.self))
            start = next
            prefix = continued
        }
    }

    /// A refusal (sudo logs these at alert), and its audit record.
    public static func refusal(_ reason: String) {
        guard let subject else { return }
        send(LOG_AUTHPRIV | LOG_ALERT, subject, reason: reason, result: .refused)
        AuditLog.send(.refused(reason), subject)
    }

    /// The command is about to be handed to the backend (or -e's editor
    /// to start), and its audit record.
    public static func success() {
        guard let subject else { return }
        send(LOG_AUTHPRIV | LOG_NOTICE, subject, reason: nil, result: .run)
        AuditLog.send(.commandRun, subject)
    }

    /// A wrong password, the moment it is found wrong (at alert, as sudo
    /// logs it), and its audit record (shadow builds; libpam sends PAM's
    /// own).
    static func incorrectPassword(_ reason: String) {
        guard let subject else { return }
        send(LOG_AUTHPRIV | LOG_ALERT, subject, reason: reason, result: .incorrectPassword)
        #if !PAM
        AuditLog.send(.wrongPassword, subject)
        #endif
    }

    /// Something the run survives (a PAM warning for root, an edit kept),
    /// at the moment it happens.
    public static func note(_ reason: String, priority: Int32 = LOG_NOTICE) {
        guard let subject else { return }
        send(LOG_AUTHPRIV | priority, subject, reason: reason, result: .warning)
    }
}
