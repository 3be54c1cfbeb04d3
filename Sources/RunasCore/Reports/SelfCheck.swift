// SelfCheck.swift: runas --check, a self-diagnosis anyone can run. Reads,
// never changes anything and asks for no password. One line per check,
// "ok" or "FAIL" with what to do; exit 0 only when every check passes.
import CRunasBuildConfig
import CRunasLibc
import CRunasSupport
import SystemEdge

struct SelfCheck {
    private var failures = 0

    private mutating func report(_ ok: Bool, _ what: String, fix: @autoclosure () -> String) {
        if ok {
            writeAll(1, "ok    \(what)\n")
        } else {
            failures += 1
            writeAll(1, "FAIL  \(what): \(fix())\n")
        }
    }

    /// Runs every check; true when all passed.
    static func run() -> Bool {
        var check = SelfCheck()
        return check.all()
    }

    private mutating func all() -> Bool {
        checkBinary()
        let backend = checkBackend()
        checkWheel()
        #if PAM
        let pam = String(cString: runas_build_pam_config_path())
        report(Self.fileExists(pam), "PAM service file \(pam) exists",
               fix: "create it: ./install.sh --pam-config (or see README, 'PAM')")
        #endif
        if let backend, let program = runas_build_service_manager_path(backend.name) {
            let path = String(cString: program)
            let exists = access(path, X_OK) == 0
            report(exists, "\(backend.name) program \(path) exists",
                   fix: "install systemd (apt install systemd), or install the scopex backend")
            if exists, let options = runas_backend_record_program_options(backend.descriptor) {
                checkProgramOptions(backend.name, path, options)
            }
            let systemctl = String(cString: runas_build_systemctl_path())
            report(access(systemctl, X_OK) == 0, "systemctl \(systemctl) exists (passes signals on to the command)",
                   fix: "install systemd (apt install systemd)")
            // sd_booted(3)'s test: systemd creates this directory when it is PID 1.
            report((try? FileStatus.of("/run/systemd/system", followingSymlinks: false))?.isDirectory == true,
                   "systemd is running (/run/systemd/system)",
                   fix: "the \(backend.name) backend needs systemd as the service manager; install the scopex backend instead")
        }
        writeAll(1, failures == 0 ? "all checks passed\n" : "\(failures) check(s) failed\n")
        return failures == 0
    }

    /// Is this binary setuid root, owned by root, not writable by others,
    /// and did the kernel honour the setuid bit (SetuidStart: not a nosuid
    /// mount, no no_new_privs, not in a user namespace)?
    private mutating func checkBinary() {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let path = n > 0 ? String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self) : "runas"
        let st: FileStatus
        do throws(Errno) { st = try FileStatus.of(path) } catch {
            report(false, "runas binary", fix: "cannot stat \(path): \(error.description)")
            return
        }
        let mode = String(st.permissions, radix: 8)
        report(st.owner == 0 && st.permissions & libc_s_isuid != 0, "\(path) is setuid root (mode \(mode))",
               fix: "chown root:wheel \(path) && chmod 4750 \(path) (install.sh does this)")
        report(st.isRootOwnedAndOnlyRootWritable, "\(path) is writable only by root",
               fix: "chmod go-w \(path)")
        let problem = SetuidStart.problem()
        report(problem == nil, "runas runs as the machine's root (effective uid 0)", fix: problem?.message ?? "")
    }

    /// The backend passes the same checks as on every run.
    private mutating func checkBackend() -> LoadedBackend? {
        do {
            let b = try BackendLoader.load()
            report(true, "backend \(b.name) \(b.version) (ABI \(b.abi)) at \(b.path) passes the loader's checks",
                   fix: "")
            return b
        } catch {
            report(false, "backend at \(BackendLoader.configuredPath)",
                   fix: "\(error.message); install one with ./install.sh --backend NAME (or a runas-backend-NAME package)")
            return nil
        }
    }

    /// Does the service manager's program know every option the backend
    /// passes? `PROGRAM OPTION... --version`, run as the caller with an
    /// empty environment: the program parses the options in order and
    /// stops at --version (exit 0), or rejects the first it does not know.
    private mutating func checkProgramOptions(
        _ name: String, _ path: String, _ options: UnsafePointer<UnsafePointer<CChar>?>
    ) {
        var words: [[UInt8]] = [Array(path.utf8)]
        var i = 0
        while i < 64, let option = options[i] {  // (a sane backend lists a dozen)
            words.append(Array(String(cString: option).utf8))
            i += 1
        }
        words.append(Array("--version".utf8))
        let argv = CStringArray(words)
        let envp = CStringArray([])
        var output: Int32 = -1
        let pid = runas_spawn_unprivileged(argv.pointers[0], argv.pointers, envp.pointers, &output, 1)
        guard pid > 0 else {
            let error = Errno.current
            report(false, "\(path) accepts the options the \(name) backend passes",
                   fix: "cannot run it: \(error.description)")
            return
        }
        // At most 4 KiB, within 5 seconds (--version prints a few lines at
        // once; a program stopped or stuck is killed, not waited for).
        var said: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 512)
        var cutOff = false
        let deadline = MonotonicClock.milliseconds() + 5000
        while said.count < 4096 {
            let left = deadline - MonotonicClock.milliseconds()
            var ready = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            if left <= 0 || poll(&ready, 1, Int32(left)) == 0 {
                cutOff = true
                break
            }
            let n = (try? retryingOnInterrupt { chunk.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) } }) ?? 0
            if n <= 0 { break }
            said.append(contentsOf: chunk.prefix(n))
        }
        close(output)
        if cutOff || said.count >= 4096 { kill(pid, SIGKILL) }
        let status = try? WaitStatus.wait(for: pid)
        let lines = said.split(separator: 10).map { Array($0) }
        let complaint = lines.first { line in
            line.count >= 6 && (0...(line.count - 6)).contains { Array(line[$0..<$0 + 6]) == Array("option".utf8) }
        } ?? lines.first ?? []
        let remedy = name == "systemd-run"
            ? "install the one built for this systemd (./install.sh --backend systemd-run --plugin-only, "
                + "which adds WithoutExpandEnv on systemd < 254, or your distribution's "
                + "runas-backend-systemd-run package)"
            : "install a backend this systemd can run (run0 needs systemd 257 or later), e.g. "
                + "./install.sh --backend scopex --plugin-only"
        if cutOff {
            report(false, "\(path) accepts the options the \(name) backend passes",
                   fix: "it did not answer within 5 seconds (\(path) OPTION... --version)")
            return
        }
        report(status == .exited(0), "\(path) accepts the options the \(name) backend passes",
               fix: "it said \"\(visible(complaint))\": this backend was built for a newer systemd; " + remedy)
    }

    private mutating func checkWheel() {
        report(Accounts.group(named: "wheel") != nil, "the group wheel exists", fix: "groupadd --system wheel")
        guard let me = Accounts.user(uid: getuid()) else {
            report(false, "you (uid \(getuid())) are in the user database", fix: "ask your administrator")
            return
        }
        let standing = Policy.standing(of: me)
        if standing == .root {
            report(true, "you are root (no wheel membership needed)", fix: "")
        } else {
            report(standing.admitted, "you (\(me.name)) are a member of wheel",
                   fix: "as root: usermod -aG wheel \(me.name), then log in again")
        }
    }

    private static func fileExists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }
}
