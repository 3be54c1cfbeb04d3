// Authenticator.swift: proves the caller is who they say, with their own
// password: up to three tries, each counted across runs (GuessThrottle)
// and logged if wrong, a delay after each failure, then a refusal.
// The check itself is the shadow file (default) or PAM (trait PAM).
import CRunasLibc
import SystemEdge

public struct AuthenticationContext {
    public var caller: Account
    public var source: PasswordSource
    public var nonInteractive: Bool
    public var prompt: String
    public var tty: String?
    /// False for root, and for callers who gain nothing (see Runas).
    public var needsPassword: Bool
    /// The backend waits for the command, so a PAM session can be held
    /// open around it (scopex); other backends leave sessions to systemd.
    public var wantsSession: Bool
}

/// What authentication leaves for the rest of the run: the environment the
/// authentication stack wants the command to have, and in PAM builds the
/// open PAM transaction, for the session.
public final class AuthenticatedCaller {
    public internal(set) var environment: [String] = []
    #if PAM
    var transaction: PAMTransaction?
    #endif

    init() {}

    /// For a backend that waits: the PAM session for the target (PAM_USER
    /// becomes the target, credentials, session); returns the environment
    /// for the command. Without PAM, nothing to open.
    public func openSession(for target: Account) throws(Failure) -> [String] {
        #if PAM
        if let transaction {
            environment = try transaction.openSession(for: target.name)
        }
        #endif
        return environment
    }

    /// Whether PAM is still open (a transaction, perhaps a session), so
    /// that runas must outlive the command to close it.
    public var mustFinish: Bool {
        #if PAM
        transaction != nil
        #else
        false
        #endif
    }

    /// Closes the session (if one is open) and ends PAM.
    public func finish() {
        #if PAM
        transaction?.finish()
        transaction = nil
        #endif
    }
}

public enum Authenticator {
    public static let maximumTries = 3

    public static func authenticate(_ context: AuthenticationContext) throws(Failure) -> AuthenticatedCaller {
        #if PAM
        return try PAMAuthenticator.authenticate(context)
        #else
        if context.needsPassword { try authenticateWithShadow(context) }
        return AuthenticatedCaller()
        #endif
    }

    static func authenticateWithShadow(_ context: AuthenticationContext) throws(Failure) {
        let name = context.caller.name
        guard let entry = ShadowAuthenticator.entry(for: name) else {
            throw Failure("cannot read the password entry of \(name)", log: "no shadow entry")
        }
        if context.nonInteractive { throw Failure("a password is required") }
        let record = try GuessThrottle.open(uid: context.caller.uid)
        try record.check()
        var tries = FailedTries()
        while true {
            guard let password = try PasswordPrompt.read(prompt: context.prompt, from: context.source) else {
                throw tries.noPassword()
            }
            // The try is spent before the hash is computed: killing runas
            // now does not give it back. The record stays locked until the
            // verdict is written, and no longer: not over the delay.
            let inARow: Int
            do {
                inARow = try record.spend()
            } catch {
                password.wipe()
                throw error
            }
            let verdict = ShadowAuthenticator.verify(password, against: entry)
            password.wipe()
            record.settle(right: verdict == .match)
            switch verdict {
            case .match:
                return
            case .mismatch:
                try tries.failed(nil, inARow: inARow)
            case .refused(let reason):
                try tries.failed(reason, inARow: inARow)
            }
        }
    }
}

/// Counts wrong passwords within one run: each is logged at once, then
/// the delay and "sorry, try again."; after the third, the refusal.
/// Reasons the user is not told (a locked account looks like a wrong
/// password) go to the log only.
struct FailedTries {
    private(set) var count = 0
    private var reasons: [String] = []

    /// `inARow`: the caller's failures in a row (GuessThrottle), if this
    /// try was counted there. `last`: the authentication stack said not to
    /// try again.
    mutating func failed(_ reason: String?, inARow: Int?, last: Bool = false) throws(Failure) {
        count += 1
        if let reason, !reasons.contains(reason) { reasons.append(reason) }
        let details = [inARow.map { "\($0) in a row" }, reason].compactMap { $0 }
        SystemLog.incorrectPassword(
            "incorrect password attempt" + (details.isEmpty ? "" : " (\(details.joined(separator: ", ")))"))
        FailedTries.delay()
        if count >= Authenticator.maximumTries || last {
            throw Failure(summary, log: logged)
        }
        printError("sorry, try again.")
    }

    /// End of input (or a cancelled askpass): no more tries.
    func noPassword() -> Failure {
        count == 0 ? Failure("no password given") : Failure(summary, log: logged)
    }

    var summary: String { "\(count) incorrect password attempt\(count == 1 ? "" : "s")" }
    var logged: String { reasons.isEmpty ? summary : "\(summary) (\(reasons.joined(separator: ", ")))" }

    /// 1.5 s to 3 s, random, slept out in full.
    static func delay() {
        let ms = Int.random(in: 1500...3000)
        var delay = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
        var remaining = timespec()
        while nanosleep(&delay, &remaining) != 0 && Errno.current == .interrupted { delay = remaining }
    }
}
