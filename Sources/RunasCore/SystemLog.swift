// SystemLog.swift: every success and every refusal goes to syslog
// (openlog("runas", LOG_PID, LOG_AUTHPRIV)), one line in sudo's shape:
//
//   alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id -u
//   alice : TTY=pts/0 ; PWD=/ ; USER=bob ; GROUP=proj ; ENV=A=1 ; COMMAND=/usr/bin/env
//   alice : 3 incorrect password attempts ; TTY=pts/0 ; PWD=... ; USER=root ; COMMAND=id -u
//
// Control characters are escaped (\xNN) and the line is bounded. What is
// logged about a run (the subject) fills in as runas learns it: the command
// as typed until it is resolved, then its full path.
#if canImport(Glibc)
import Glibc
#endif
import CRunasSupport

public struct LogSubject: Sendable {
    public var user: String
    public var tty: String?
    public var cwd: String
    public var target: String
    /// -g, when given.
    public var group: String? = nil
    /// Variables set on the command line (--env, VAR=VALUE), as typed.
    public var environment: String? = nil
    public var command: String
}

public enum SystemLog {
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

    static func send(_ priority: Int32, _ line: String) {
        open()
        var text = visible(line)
        if text.utf8.count > maximumLength {
            text = String(decoding: Array(text.utf8.prefix(maximumLength)), as: UTF8.self) + "..."
        }
        runas_syslog(priority, text)
    }

    /// Longest PWD= and ENV= values kept: both are the caller's to make as
    /// long as they like, and they come before COMMAND=, which must always
    /// fit in the line (maximumLength).
    static let maximumFieldLength = 200

    /// "alice : [reason ; ]TTY=... ; PWD=... ; USER=... ; COMMAND=..."
    public static func line(_ s: LogSubject, reason: String?) -> String {
        let tty = s.tty.map { $0.hasPrefix("/dev/") ? String($0.dropFirst(5)) : $0 } ?? "unknown"
        return "\(s.user) : \(reason.map { $0 + " ; " } ?? "")TTY=\(tty) ; PWD=\(clip(s.cwd)) ; USER=\(s.target) ; "
            + (s.group.map { "GROUP=\($0) ; " } ?? "") + (s.environment.map { "ENV=\(clip($0)) ; " } ?? "")
            + "COMMAND=\(s.command)"
    }

    /// At most maximumFieldLength bytes (whole characters), "..." if cut.
    static func clip(_ field: String) -> String {
        guard field.utf8.count > maximumFieldLength else { return field }
        var out = ""
        for c in field {
            if out.utf8.count + String(c).utf8.count > maximumFieldLength { break }
            out.append(c)
        }
        return out + "..."
    }

    /// A refusal (sudo logs these at alert).
    public static func refusal(_ reason: String) {
        guard let subject else { return }
        send(LOG_AUTHPRIV | LOG_ALERT, line(subject, reason: reason))
    }

    /// The command is about to be handed to the backend.
    public static func success() {
        guard let subject else { return }
        send(LOG_AUTHPRIV | LOG_NOTICE, line(subject, reason: nil))
    }

    /// Failed tries before a right password (the run goes on).
    public static func note(_ reason: String) {
        guard let subject else { return }
        send(LOG_AUTHPRIV | LOG_NOTICE, line(subject, reason: reason))
    }
}
