// SystemLog.swift: every success and refusal goes to syslog (authpriv),
// one bounded line with control characters escaped.
#if canImport(Glibc)
import Glibc
#endif
import CRunasSupport

public enum SystemLog {
    static let maximumLength = 900
    nonisolated(unsafe) static var opened = false

    static func send(_ priority: Int32, _ line: String) {
        if !opened {
            openlog("runas", LOG_PID, LOG_AUTHPRIV)
            opened = true
        }
        var text = visible(line)
        if text.utf8.count > maximumLength {
            text = String(decoding: Array(text.utf8.prefix(maximumLength)), as: UTF8.self) + "..."
        }
        runas_syslog(priority, text)
    }

    public static func refusal(of user: String, _ why: String) {
        send(LOG_AUTHPRIV | LOG_NOTICE, "\(user) : \(why)")
    }

    public static func success(of user: String, tty: String?, cwd: String, target: String, command: String) {
        send(LOG_AUTHPRIV | LOG_NOTICE,
             "\(user) : TTY=\(tty ?? "unknown") ; PWD=\(cwd) ; USER=\(target) ; COMMAND=\(command)")
    }
}
