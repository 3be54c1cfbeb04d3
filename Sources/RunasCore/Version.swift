// Version.swift: what --version and --help print.
import CRunasBackendABI

public enum Version {
    public static let number = "0.1.0"

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

    public static let usage = """
        usage: runas [options] [--] command [argument ...]
               runas [options] -s [command [argument ...]]
               runas -h | -v

        Run a command as root (or another user) after asking for your own
        password. Only root and members of the group wheel may use runas.

        options:
          -u, --user USER          run as USER (a name or #UID); default root
          -g, --group GROUP        run with primary group GROUP (a name or #GID)
          -s, --shell              run the target's shell (with the command as -c)
          -n, --non-interactive    never prompt; fail if a password is needed
          -S, --stdin              read the password from standard input
          -A, --askpass            read it from the helper named by RUNAS_ASKPASS
          -p, --prompt TEXT        password prompt (%u you, %U target, %h host,
                                   %H full host, %p whose password, %% a %)
              --env VAR=VALUE      set a variable for the command (repeatable)
              --preserve-env LIST  keep these variables of yours (comma separated)
          -D, --chdir DIR          run the command in DIR (default: here)
          -h, --help               show this help and exit
          -v, -V, --version        show version, traits and backend, and exit
              --                   end of options

        """
}
