// Authenticator.swift: proves the caller is who they say, with their own
// password: up to three tries, a delay after each failure, then a refusal.
// The check itself is the shadow file (default) or PAM (trait PAM).
#if canImport(Glibc)
import Glibc
#endif

public struct AuthenticationContext {
    public var caller: Account
    public var source: PasswordSource
    public var nonInteractive: Bool
    public var prompt: String
    public var tty: String?
}

public enum Authenticator {
    public static let maximumTries = 3

    /// Returns the environment the authentication stack wants the command
    /// to have (PAM only), or throws the refusal.
    public static func authenticate(_ context: AuthenticationContext) throws(Failure) -> [String] {
        #if PAM
        return try PAMAuthenticator.authenticate(context)
        #else
        try authenticateWithShadow(context)
        return []
        #endif
    }

    static func authenticateWithShadow(_ context: AuthenticationContext) throws(Failure) {
        let name = context.caller.name
        guard let entry = ShadowAuthenticator.entry(for: name) else {
            SystemLog.refusal(of: name, "no shadow entry")
            throw Failure("cannot read the password entry of \(name)")
        }
        if context.nonInteractive { throw Failure("a password is required") }
        var failures = 0
        while failures < maximumTries {
            guard let password = try PasswordPrompt.read(prompt: context.prompt, from: context.source) else {
                throw noPassword(after: failures)
            }
            let verdict = ShadowAuthenticator.verify(password, against: entry)
            password.wipe()
            switch verdict {
            case .match:
                return
            case .mismatch:
                SystemLog.refusal(of: name, "incorrect password")
            case .refused(let reason):
                SystemLog.refusal(of: name, reason)
            }
            failures += 1
            try afterFailure(failures)
        }
    }

    /// The delay after a wrong password (1.5 s to 3 s, random), then either
    /// "sorry, try again." or the final refusal.
    static func afterFailure(_ failures: Int) throws(Failure) {
        var delay = timespec(tv_sec: 0, tv_nsec: 0)
        let ms = Int.random(in: 1500...3000)
        delay.tv_sec = ms / 1000
        delay.tv_nsec = (ms % 1000) * 1_000_000
        var remaining = timespec()
        while nanosleep(&delay, &remaining) != 0 && errno == EINTR { delay = remaining }
        if failures >= maximumTries {
            throw Failure("\(maximumTries) incorrect password attempts")
        }
        printError("sorry, try again.")
    }

    static func noPassword(after failures: Int) -> Failure {
        failures == 0
            ? Failure("no password given")
            : Failure("\(failures) incorrect password attempt\(failures == 1 ? "" : "s")")
    }
}
