// CommandEnvironmentTests.swift: the command's environment is an allow-list.
import Testing
@testable import RunasCore

private let caller = Account(name: "alice", uid: 2001, gid: 2001, home: "/home/alice", shell: "/bin/bash")
private let target = Account(name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/sh")

private func build(_ env: [String], options: Options = Options(), pam: [String] = [],
                   overrides: [String] = [], tty: String? = nil) -> [String: String] {
    let list = CommandEnvironment.build(
        callerEnvironment: env.map { Array($0.utf8) }, options: options,
        context: .init(caller: caller, target: target, commandLine: Array("/usr/bin/id -u".utf8), tty: tty),
        pamEnvironment: pam, overrides: overrides.map { EnvironmentAssignment(parsing: Array($0.utf8))! })
    var out: [String: String] = [:]
    for (name, value) in list {
        #expect(out[name] == nil, "duplicate \(name)")
        out[name] = String(decoding: value, as: UTF8.self)
    }
    return out
}

@Suite struct CommandEnvironmentTests {
    @Test func alwaysSet() {
        let e = build(["PATH=/home/alice/bin", "HOME=/home/alice", "USER=alice"])
        #expect(e["PATH"] == CommandEnvironment.safePath)
        #expect(e["HOME"] == "/root")
        #expect(e["USER"] == "root")
        #expect(e["LOGNAME"] == "root")
        #expect(e["SHELL"] == "/bin/sh")
        #expect(e["TERM"] == "unknown")
        #expect(e["SUDO_USER"] == "alice")
        #expect(e["SUDO_UID"] == "2001")
        #expect(e["SUDO_GID"] == "2001")
        #expect(e["SUDO_COMMAND"] == "/usr/bin/id -u")
        #expect(e["SUDO_HOME"] == "/home/alice")
        #expect(e["RUNAS_USER"] == "alice")
        #expect(e["SUDO_TTY"] == nil)
    }

    /// SUDO_TTY is the caller's terminal when there is one, and otherwise
    /// absent: never the caller's own variable, whatever is kept (the
    /// cross product of kept-or-not and terminal-or-not).
    @Test(arguments: [nil, "/dev/pts/3"], [false, true])
    func sudoTtyIsTheTerminalOrNothing(tty: String?, keepAll: Bool) {
        var options = Options()
        options.preserveAllEnvironment = keepAll
        options.preserveEnvironment = ["SUDO_TTY", "SUDO_HOME"]
        let e = build(["SUDO_TTY=/dev/pts/99", "SUDO_HOME=/elsewhere"], options: options, tty: tty)
        #expect(e["SUDO_TTY"] == tty)
        #expect(e["SUDO_HOME"] == "/home/alice")
    }

    @Test func keptAndDropped() {
        let e = build(["DISPLAY=:0", "LANG=C.UTF-8", "LC_ALL=../../evil", "LC_TIME=de_DE%n", "TZ=Europe/Paris",
                       "TERM=xterm-256color", "RANDOM_THING=x", "LD_PRELOAD=/x.so"])
        #expect(e["DISPLAY"] == ":0")
        #expect(e["LANG"] == "C.UTF-8")
        #expect(e["LC_ALL"] == nil)
        #expect(e["LC_TIME"] == nil)
        #expect(e["TZ"] == "Europe/Paris")
        #expect(e["TERM"] == "xterm-256color")
        #expect(e["RANDOM_THING"] == nil)
        #expect(e["LD_PRELOAD"] == nil)
    }

    /// Found by Fuzz/FuzzEnvironment: TERM, always taken from the caller,
    /// let a "()" value through (a function-definition shape that must
    /// never pass implicitly); it falls back to "unknown" now.
    @Test func termNeverStartsAFunctionDefinition() {
        #expect(build(["TERM=()x"])["TERM"] == "unknown")
        #expect(build(["TERM=()"], options: { var o = Options(); o.preserveAllEnvironment = true; return o }())["TERM"] == "unknown")
        #expect(build(["TERM=x()"])["TERM"] == "x()")
    }

    @Test func timezoneMustStayInZoneinfo() {
        #expect(build(["TZ=../../../etc/shadow"])["TZ"] == nil)
        #expect(build(["TZ=/etc/shadow"])["TZ"] == nil)
        #expect(build(["TZ=:/usr/share/zoneinfo/UTC"])["TZ"] == ":/usr/share/zoneinfo/UTC")
    }

    @Test func preserveNeverPassesDangerousVariables() {
        var o = Options()
        o.preserveEnvironment = ["KEEP", "LD_LIBRARY_PATH", "BASH_ENV", "PYTHONPATH", "FUNC", "SWIFT_DEBUG_HELP"]
        let e = build(["KEEP=1", "LD_LIBRARY_PATH=/tmp", "BASH_ENV=/tmp/x", "PYTHONPATH=/tmp", "FUNC=() { :; }",
                       "SWIFT_DEBUG_HELP=1"], options: o)
        #expect(e["KEEP"] == "1")
        for name in ["LD_LIBRARY_PATH", "BASH_ENV", "PYTHONPATH", "FUNC", "SWIFT_DEBUG_HELP"] {
            #expect(e[name] == nil, "\(name) passed")
        }
    }

    @Test func explicitSettingsWinLast() {
        var o = Options()
        o.setEnvironment = [EnvironmentAssignment(name: "PATH", value: Array("/opt/bin".utf8)),
                            EnvironmentAssignment(name: "LD_LIBRARY_PATH", value: Array("/opt/lib".utf8))]
        let e = build([], options: o)
        #expect(e["PATH"] == "/opt/bin")
        #expect(e["LD_LIBRARY_PATH"] == "/opt/lib")
    }

    @Test func pamEnvironmentDoesNotOverrideRunasVariables() {
        let e = build([], pam: ["FROM_PAM=yes", "HOME=/elsewhere"])
        #expect(e["FROM_PAM"] == "yes")
        #expect(e["HOME"] == "/root")
    }

    /// Every variable that must never pass implicitly, with -E and with
    /// --preserve-env alike.
    static let neverPass = [
        "LD_PRELOAD=/tmp/x.so", "LD_LIBRARY_PATH=/tmp", "GCONV_PATH=/tmp", "GLIBC_TUNABLES=x",
        "LOCPATH=/tmp", "NLSPATH=/tmp/%N", "HOSTALIASES=/tmp/h", "RES_OPTIONS=debug", "BASH_ENV=/tmp/e",
        "ENV=/tmp/e", "BASH_FUNC_ls%%=() { :; }", "SHELLOPTS=xtrace", "PS4=$(id)", "IFS=/", "CDPATH=/tmp",
        "PYTHONPATH=/tmp", "PYTHONSTARTUP=/tmp/s", "PERL5LIB=/tmp", "PERL5OPT=-d", "RUBYOPT=-r/tmp/x",
        "NODE_OPTIONS=--require /tmp/x", "SWIFT_DEBUG=1", "HARMLESS=() { :; }",
        "PERLLIB=/tmp", "RUBYLIB=/tmp", "JAVA_TOOL_OPTIONS=-javaagent:/tmp/a.jar", "TERMINFO=/tmp/ti",
        "TERMINFO_DIRS=/tmp/ti", "ZDOTDIR=/tmp",
    ]

    @Test func dashEKeepsTheCallersEnvironmentButNeverTheDangerousOnes() {
        var o = Options()
        o.preserveAllEnvironment = true
        let e = build(["EDITOR=vim", "MYVAR=1", "PATH=/home/alice/bin", "HOME=/home/alice", "LANG=../x"]
                      + Self.neverPass, options: o)
        #expect(e["EDITOR"] == "vim")
        #expect(e["MYVAR"] == "1")
        #expect(e["PATH"] == CommandEnvironment.safePath)
        #expect(e["HOME"] == "/root")
        #expect(e["LANG"] == nil)
        for entry in Self.neverPass {
            let name = String(entry.prefix(while: { $0 != "=" }))
            #expect(e[name] == nil, "\(name) passed with -E")
        }
    }

    @Test func preserveEnvListHasTheSameExceptions() {
        var o = Options()
        o.preserveEnvironment = Self.neverPass.map { String($0.prefix(while: { $0 != "=" })) } + ["MYVAR", "TZ"]
        let e = build(Self.neverPass + ["MYVAR=1", "TZ=/etc/passwd"], options: o)
        #expect(e["MYVAR"] == "1")
        #expect(e["TZ"] == nil)
        for entry in Self.neverPass {
            let name = String(entry.prefix(while: { $0 != "=" }))
            #expect(e[name] == nil, "\(name) passed with --preserve-env")
        }
    }

    @Test func explicitAssignmentsMaySetAnything() {
        var o = Options()
        o.setEnvironment = [EnvironmentAssignment(parsing: Array("LD_LIBRARY_PATH=/opt/lib".utf8))!]
        #expect(build([], options: o)["LD_LIBRARY_PATH"] == "/opt/lib")
    }

    @Test func envFileOverridesComeLastWithoutDuplicates() {
        var o = Options()
        o.setEnvironment = [EnvironmentAssignment(parsing: Array("EDITOR=nano".utf8))!]
        let e = build(["DISPLAY=:0"], options: o, overrides: ["EDITOR=vim", "PATH=/opt/bin:/usr/bin", "DISPLAY=:1"])
        #expect(e["EDITOR"] == "vim")
        #expect(e["PATH"] == "/opt/bin:/usr/bin")
        #expect(e["DISPLAY"] == ":1")
    }
}
