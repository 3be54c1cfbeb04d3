// PAMAuthenticator.swift: authentication through PAM (trait PAM).
//
// Service "runas"; the PAM user is the caller, PAM_RUSER the caller,
// PAM_TTY the terminal (ttyname), PAM_RHOST never set. pam_authenticate
// with PAM_DISALLOW_NULL_AUTHTOK, then pam_acct_mgmt; an expired password
// is changed with pam_chauthtok unless -n. A module that changes PAM_USER
// during authentication is refused. For a backend that waits for the
// command (scopex) the transaction stays open: PAM_USER becomes the
// target, credentials are established and the session opened, and both are
// closed when the command has ended, as doas does.
#if PAM
import CPAM
import CRunasLibc
import CRunasSupport
import SystemEdge

enum PAMAuthenticator {
    static func authenticate(_ context: AuthenticationContext) throws(Failure) -> AuthenticatedCaller {
        let result = AuthenticatedCaller()
        guard context.needsPassword || context.wantsSession else { return result }
        let transaction = try PAMTransaction(context)
        if context.needsPassword {
            try transaction.authenticate()
            try transaction.checkAccount()
        }
        if context.wantsSession {
            result.transaction = transaction
        } else {
            result.environment = transaction.environment()
            transaction.finish()
        }
        return result
    }
}

/// One pam_start ... pam_end.
final class PAMTransaction {
    let handle: OpaquePointer
    let conversation: PAMConversation
    var status: Int32 = PAM_SUCCESS
    var credentials = false
    var session = false
    var ended = false

    init(_ context: AuthenticationContext) throws(Failure) {
        conversation = PAMConversation(context)
        var conv = pam_conv(conv: pamConverse, appdata_ptr: Unmanaged.passUnretained(conversation).toOpaque())
        var h: OpaquePointer?
        let rc = pam_start("runas", context.caller.name, &conv, &h)
        guard rc == PAM_SUCCESS, let h else {
            throw Failure("PAM could not start: \(String(cString: pam_strerror(h, rc)))")
        }
        handle = h
        // runas applies its own 1.5-3 s delay after a failure, in both
        // modes; without this, pam_unix's pam_fail_delay would add ~2 s more.
        pam_set_item(handle, PAM_FAIL_DELAY, unsafeBitCast(noFailDelay, to: UnsafeRawPointer.self))
        pam_set_item(handle, PAM_RUSER, context.caller.name)
        if let tty = context.tty { pam_set_item(handle, PAM_TTY, tty) }
    }

    deinit { finish() }

    var context: AuthenticationContext { conversation.context }

    func text(_ rc: Int32) -> String { String(cString: pam_strerror(handle, rc)) }

    func authenticate() throws(Failure) {
        // Each pam_authenticate that gets an answer is a try (GuessThrottle),
        // spent in the conversation at its first answer, before the stack
        // checks anything; the record stays locked from then until
        // pam_authenticate returns, but for any later prompt of the same
        // try (PAMConversation).
        let record = try GuessThrottle.open(uid: context.caller.uid)
        try record.check()
        conversation.record = record
        var tries = FailedTries()
        // On the terminal, Ctrl-C gives up a method that waits for
        // something else (a fingerprint, a key's touch) and PAM goes on to
        // the next; one that nothing followed ends runas, as it always did
        // (auth_interrupt.c). With -S or -A it ends runas at once.
        let interruptible = context.source.isTerminal
        while true {
            conversation.reset()
            if interruptible { runas_auth_interrupt_begin() }
            let rc = pam_authenticate(handle, Int32(PAM_DISALLOW_NULL_AUTHTOK))
            record.settle(right: rc == PAM_SUCCESS)
            if interruptible { runas_auth_interrupt_end() }
            if rc == PAM_SUCCESS {
                // Answers after this (pam_chauthtok's old and new
                // passwords) are not guesses.
                conversation.record = nil
                break
            }
            if let failure = conversation.failure { throw failure }
            if conversation.endOfInput { throw tries.noPassword() }
            if conversation.overlong {
                try tries.failed("password longer than \(Secret.capacity) bytes", inARow: conversation.inARow)
                continue
            }
            guard rc == PAM_AUTH_ERR || rc == PAM_PERM_DENIED || rc == PAM_MAXTRIES else {
                throw Failure("authentication failed: \(text(rc))")
            }
            // PAM_MAXTRIES: a module has counted enough tries; stop asking.
            try tries.failed(rc == PAM_PERM_DENIED ? "PAM: \(text(rc))" : nil, inARow: conversation.inARow,
                             last: rc == PAM_MAXTRIES)
        }
        // A module must not change who was authenticated.
        var item: UnsafeRawPointer?
        guard pam_get_item(handle, PAM_USER, &item) == PAM_SUCCESS, let item,
              String(cString: item.assumingMemoryBound(to: CChar.self)) == context.caller.name else {
            throw Failure("PAM changed the user during authentication, refusing",
                          log: "PAM changed PAM_USER during authentication")
        }
    }

    func checkAccount() throws(Failure) {
        var rc = pam_acct_mgmt(handle, 0)
        if rc == PAM_NEW_AUTHTOK_REQD {
            if context.nonInteractive {
                throw Failure("your password has expired and must be changed (not with -n)",
                              log: "password expired, not changed (-n)")
            }
            conversation.reset()
            rc = pam_chauthtok(handle, Int32(PAM_CHANGE_EXPIRED_AUTHTOK))
            if rc != PAM_SUCCESS {
                if let failure = conversation.failure { throw failure }
                throw Failure("your password has expired and could not be changed: \(text(rc))",
                              log: "password expired, change failed: \(text(rc))")
            }
            return
        }
        guard rc == PAM_SUCCESS else {
            throw Failure("account not usable: \(text(rc))", log: "PAM account: \(text(rc))")
        }
    }

    /// For root, who PAM never authenticates, a stack that refuses
    /// credentials or a session is a warning, not a refusal (as sudo does):
    /// a broken /etc/pam.d/runas must not lock root out of repairing it.
    func openSession(for target: String) throws(Failure) -> [String] {
        var rc = pam_set_item(handle, PAM_USER, target)
        guard rc == PAM_SUCCESS else { throw Failure("PAM: cannot set the target user: \(text(rc))") }
        rc = pam_setcred(handle, Int32(PAM_ESTABLISH_CRED))
        if rc == PAM_SUCCESS {
            credentials = true
        } else {
            try rootGoesOn("PAM: cannot establish credentials: \(text(rc))")
        }
        rc = pam_open_session(handle, 0)
        if rc == PAM_SUCCESS {
            session = true
        } else {
            try rootGoesOn("PAM: cannot open a session: \(text(rc))")
        }
        return environment()
    }

    private func rootGoesOn(_ problem: String) throws(Failure) {
        guard context.caller.uid == 0 else { throw Failure(problem) }
        printError("warning: \(problem); running the command anyway (root)")
        SystemLog.note("\(problem); run anyway (root)")
    }

    /// The PAM environment (pam_env, pam_systemd, ...), copied and wiped.
    func environment() -> [String] {
        var result: [String] = []
        guard let list = pam_getenvlist(handle) else { return result }
        var p = list
        while let entry = p.pointee {
            result.append(String(cString: entry))
            explicit_bzero(entry, strlen(entry))
            free(entry)
            p += 1
        }
        free(list)
        return result
    }

    /// Closes what was opened, in reverse order, and ends PAM.
    func finish() {
        guard !ended else { return }
        ended = true
        if session { pam_close_session(handle, 0) }
        if credentials { pam_setcred(handle, Int32(PAM_DELETE_CRED)) }
        pam_end(handle, status)
    }
}

/// PAM_FAIL_DELAY: libpam calls this instead of sleeping itself.
let noFailDelay: @convention(c) (Int32, UInt32, UnsafeMutableRawPointer?) -> Void = { _, _, _ in }

/// State the conversation function reaches through appdata_ptr.
final class PAMConversation {
    let context: AuthenticationContext
    var endOfInput = false
    var overlong = false
    var failure: Failure?
    /// Where the tries are counted, while pam_authenticate runs.
    var record: GuessThrottle.Record?
    /// The failures in a row this try makes, if wrong; nil until the
    /// first answer of this pam_authenticate (one try, however many
    /// prompts the stack asks: a password and a one-time code are one).
    /// Once set, the record is locked but while a later prompt waits.
    var inARow: Int?

    init(_ context: AuthenticationContext) { self.context = context }

    func reset() {
        endOfInput = false
        overlong = false
        failure = nil
        inARow = nil
    }
}

/// The PAM conversation function: prompts go through PasswordPrompt (PAM's
/// own "Password: " becomes runas's prompt), information and error
/// messages go where the prompt goes, any other style fails the
/// conversation (never a crash).
let pamConverse: @convention(c) (
    Int32, UnsafeMutablePointer<UnsafePointer<pam_message>?>?,
    UnsafeMutablePointer<UnsafeMutablePointer<pam_response>?>?, UnsafeMutableRawPointer?
) -> Int32 = { count, messages, responses, appdata in
    guard count > 0, count <= PAM_MAX_NUM_MSG, let messages, let responses, let appdata else {
        return PAM_CONV_ERR
    }
    let state = Unmanaged<PAMConversation>.fromOpaque(appdata).takeUnretainedValue()
    guard let replies = calloc(Int(count), MemoryLayout<pam_response>.size)?
        .assumingMemoryBound(to: pam_response.self) else { return PAM_BUF_ERR }
    func fail(_ code: Int32) -> Int32 {
        for i in 0..<Int(count) {
            if let r = replies[i].resp { explicit_bzero(r, strlen(r)); free(r) }
        }
        free(replies)
        return code
    }
    for i in 0..<Int(count) {
        guard let message = messages[i]?.pointee else { return fail(PAM_CONV_ERR) }
        let text = message.msg.map { String(cString: $0) } ?? ""
        switch message.msg_style {
        case PAM_PROMPT_ECHO_OFF, PAM_PROMPT_ECHO_ON:
            if state.context.nonInteractive {
                state.failure = Failure("a password is required")
                return fail(PAM_CONV_ERR)
            }
            let echo = message.msg_style == PAM_PROMPT_ECHO_ON
            let prompt = (!echo && (text == "Password: " || text.isEmpty)) ? state.context.prompt : text
            // PAM asks again: a Ctrl-C before this was for a method it has left.
            runas_auth_interrupt_clear()
            do throws(Failure) {
                // A later prompt of a try already spent: nothing stays
                // locked while the caller types.
                let spent = state.record != nil && state.inARow != nil
                if spent { state.record?.pauseForPrompt() }
                let answer = try PasswordPrompt.read(prompt: prompt, from: state.context.source, echo: echo)
                if spent, let record = state.record {
                    do throws(Failure) { try record.resumeAfterPrompt() } catch {
                        answer?.wipe()
                        throw error
                    }
                }
                guard let secret = answer else {
                    state.endOfInput = true
                    return fail(PAM_CONV_ERR)
                }
                if let record = state.record, state.inARow == nil {
                    do throws(Failure) {
                        state.inARow = try record.spend()
                    } catch {
                        secret.wipe()
                        state.failure = error
                        return fail(PAM_CONV_ERR)
                    }
                }
                if secret.overflowed {
                    secret.wipe()
                    state.overlong = true
                    return fail(PAM_CONV_ERR)
                }
                replies[i].resp = strdup(secret.cString)
                secret.wipe()
                if replies[i].resp == nil { return fail(PAM_BUF_ERR) }
            } catch {
                // Ctrl-C at this prompt: its method fails, and PAM goes on
                // to the next one, or ends, and runas with it.
                if runas_auth_interrupt_noted() == 0 { state.failure = error }
                return fail(PAM_CONV_ERR)
            }
        case PAM_ERROR_MSG, PAM_TEXT_INFO:
            PasswordPrompt.show(text, on: state.context.source)
        default:
            return fail(PAM_CONV_ERR)
        }
    }
    responses.pointee = replies
    return PAM_SUCCESS
}
#endif
