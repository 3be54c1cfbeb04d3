// PAMAuthenticator.swift: authentication through PAM (trait PAM), service
// "runas", PAM user the caller. The conversation asks through the same
// prompt code as the shadow mode.
#if PAM
#if canImport(Glibc)
import Glibc
#endif
import CPAM

enum PAMAuthenticator {
    /// State the conversation callback reaches through appdata_ptr.
    final class Conversation {
        let context: AuthenticationContext
        var endOfInput = false
        var failure: Failure?
        init(_ context: AuthenticationContext) { self.context = context }
    }

    static func authenticate(_ context: AuthenticationContext) throws(Failure) -> [String] {
        let state = Conversation(context)
        var conv = pam_conv(conv: converse, appdata_ptr: Unmanaged.passUnretained(state).toOpaque())
        var handle: OpaquePointer?
        let name = context.caller.name
        var rc = pam_start("runas", name, &conv, &handle)
        guard rc == PAM_SUCCESS, let pamh = handle else {
            throw Failure("PAM could not start: \(String(cString: pam_strerror(handle, rc)))")
        }
        var ended = false
        defer { if !ended { pam_end(pamh, rc) } }
        pam_set_item(pamh, PAM_RUSER, name)
        if let tty = context.tty { pam_set_item(pamh, PAM_TTY, tty) }

        var failures = 0
        while true {
            rc = pam_authenticate(pamh, Int32(PAM_DISALLOW_NULL_AUTHTOK))
            if rc == PAM_SUCCESS { break }
            if let f = state.failure { throw f }
            if state.endOfInput { throw Authenticator.noPassword(after: failures) }
            SystemLog.refusal(of: name, "PAM: \(String(cString: pam_strerror(pamh, rc)))")
            if rc != PAM_AUTH_ERR && rc != PAM_PERM_DENIED && rc != PAM_MAXTRIES {
                throw Failure("authentication failed: \(String(cString: pam_strerror(pamh, rc)))")
            }
            failures += 1
            try Authenticator.afterFailure(failures)
        }
        // A module must not change who was authenticated.
        var item: UnsafeRawPointer?
        guard pam_get_item(pamh, PAM_USER, &item) == PAM_SUCCESS, let item,
              String(cString: item.assumingMemoryBound(to: CChar.self)) == name else {
            throw Failure("PAM changed the user during authentication; refusing")
        }
        rc = pam_acct_mgmt(pamh, 0)
        if rc == PAM_NEW_AUTHTOK_REQD {
            if context.nonInteractive { throw Failure("your password has expired and must be changed") }
            rc = pam_chauthtok(pamh, Int32(PAM_CHANGE_EXPIRED_AUTHTOK))
        }
        guard rc == PAM_SUCCESS else {
            SystemLog.refusal(of: name, "PAM account: \(String(cString: pam_strerror(pamh, rc)))")
            throw Failure("account not usable: \(String(cString: pam_strerror(pamh, rc)))")
        }
        var environment: [String] = []
        if let list = pam_getenvlist(pamh) {
            var p = list
            while let entry = p.pointee {
                environment.append(String(cString: entry))
                explicit_bzero(entry, strlen(entry))
                free(entry)
                p += 1
            }
            free(list)
        }
        ended = true
        pam_end(pamh, PAM_SUCCESS)
        return environment
    }

    /// The PAM conversation function: prompts go through PasswordPrompt,
    /// messages to the terminal, anything unexpected fails the conversation.
    static let converse: @convention(c) (
        Int32, UnsafeMutablePointer<UnsafePointer<pam_message>?>?,
        UnsafeMutablePointer<UnsafeMutablePointer<pam_response>?>?, UnsafeMutableRawPointer?
    ) -> Int32 = { count, messages, responses, appdata in
        guard count > 0, count <= PAM_MAX_NUM_MSG, let messages, let responses, let appdata else {
            return PAM_CONV_ERR
        }
        let state = Unmanaged<Conversation>.fromOpaque(appdata).takeUnretainedValue()
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
                do throws(Failure) {
                    guard let secret = try PasswordPrompt.read(prompt: prompt, from: state.context.source, echo: echo) else {
                        state.endOfInput = true
                        return fail(PAM_CONV_ERR)
                    }
                    replies[i].resp = strdup(secret.cString)
                    secret.wipe()
                } catch {
                    state.failure = error
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
}
#endif
