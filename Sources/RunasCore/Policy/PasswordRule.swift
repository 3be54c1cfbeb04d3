// PasswordRule.swift: whether a run needs the caller's password, as one
// pure function of the ids the command will get (Identity, worked out once
// in step 4), the account it runs as, the gids this process already holds,
// the caller, and whether the backend keeps the command in the caller's
// session. Nothing else is consulted, so the rule can be tested over every
// combination of options (Tests/RunasCoreTests/PasswordRuleTests.swift).

enum PasswordRule {
    /// Root is never asked. Anyone else is asked unless the run gains
    /// nothing: the command runs as the caller's own account (its uid and
    /// its name: another entry sharing the uid has other groups, another
    /// home), its primary gid and every supplementary gid are ones this
    /// process already holds, and it stays runas's own child in the
    /// caller's session (`staysWithCaller`: a backend that waits for it; a
    /// service manager would start it as a system service, outside the
    /// caller's limits; -e runs nothing as the target at all).
    static func needsPassword(
        command: Identity, account: String, caller: Account, held: [UInt32], staysWithCaller: Bool
    ) -> Bool {
        if caller.uid == 0 { return false }
        if command.uid != caller.uid || account != caller.name { return true }
        if !staysWithCaller { return true }
        return !([command.gid] + command.groups).allSatisfy { held.contains($0) }
    }
}
