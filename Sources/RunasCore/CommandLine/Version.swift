// Version.swift: what --version and --help print.
import CRunasBackendABI
import CRunasBuildConfig

public enum Version {
    public static var number: String { String(cString: runas_build_version()) }

    /// The package traits this build was compiled with.
    public static var traits: [String] {
        var t: [String] = []
        #if SystemdRun
        t.append("SystemdRun")
        #endif
        #if Run0
        t.append("Run0")
        #endif
        #if Scopex
        t.append("Scopex")
        #endif
        #if PAM
        t.append("PAM")
        #endif
        #if WithoutExpandEnv
        t.append("WithoutExpandEnv")
        #endif
        return t
    }

    public static var authentication: String {
        #if PAM
        "PAM (service runas)"
        #else
        "shadow file (libcrypt)"
        #endif
    }

    public static var abi: String { "\(RUNAS_BACKEND_ABI_MAJOR).\(RUNAS_BACKEND_ABI_MINOR)" }

    /// -v/--version: the build, then the backend as loaded (a backend that
    /// fails the loader's checks is refused as for a command); returns the
    /// exit status.
    static func run() throws(Failure) -> Int32 {
        var text = "runas \(number)\n"
        text += "traits: \(traits.isEmpty ? "(none)" : traits.joined(separator: ","))\n"
        text += "authentication: \(authentication)\n"
        text += "backend ABI: \(abi)\n"
        writeAll(1, text)
        let backend = try BackendLoader.load()
        writeAll(1, "backend: \(backend.name) \(backend.version) (ABI \(backend.abi)) at \(backend.path)\n")
        return 0
    }

    public static let usage = """
        usage: runas [options] [VAR=VALUE ...] [--] command [argument ...]
               runas [options] -s | -i [command [argument ...]]
               runas -e [-u USER] [-g GROUP] FILE ...   (or: runasedit FILE ...)
               runas -l [-U USER] [-u USER] [command]
               runas -h | -v | --check | -k | -K

        Run a command as root (or another user) after asking for your own
        password. Only root and members of the group wheel may use runas.

        options:
          -u, --user USER          run as USER (a name or #UID); default root
          -g, --group GROUP        primary group GROUP (a name or #GID); alone,
                                   you stay yourself with that group
          -s, --shell              run $SHELL if /etc/shells lists it, else the
                                   target's shell (a command goes to -c)
          -i, --login              run the target's login shell in its home
                                   (a command goes to -c)
          -E                       keep your environment (never LD_*, ...)
              --preserve-env LIST  keep these variables (comma separated)
              --env VAR=VALUE      set a variable (repeatable; so do VAR=VALUE
                                   words before the command)
          -D, --chdir DIR          run the command in DIR (default: here)
          -e, --edit               edit FILEs as the target: your editor runs as
                                   you on copies, which runas writes back
          -b, --background         start the command in the background and
                                   return at once (no pty)
          -C, --close-from N       keep descriptors 3 to N-1 open for the
                                   command (scopex only)
          -P, --preserve-groups    the command keeps your supplementary groups
              --pty, --no-pty      give the command a terminal of its own (the
                                   default for another user on a terminal), or not
          -H, --set-home           HOME is the target's (always; accepted)
          -n, --non-interactive    never prompt; fail if a password is needed
          -S, --stdin              read the password from standard input
          -A, --askpass            read it from the helper named by RUNAS_ASKPASS
          -B, --bell               ring the bell before a prompt on the terminal
          -p, --prompt TEXT        password prompt (%u you, %U target, %h host,
                                   %H full host, %p whose password, %% a %)
          -k, --reset-timestamp    accepted; runas keeps no credential cache
          -K, --remove-timestamp   accepted; same (and stands alone)
          -l, --list               may you use runas, and through which backend;
                                   with a command, the full path that would run
          -U, --other-user USER    with -l: may USER use runas
          -h, --help               show this help and exit
          -v, -V, --version        show version, traits, backend and ABI
              --check              check the installation (no password needed)
              --                   end of options

        """
}
