// ShellCommandTests.swift: what -s and -i run.
import Testing
@testable import RunasCore

private func words(_ list: [[UInt8]]) -> [String] { list.map { String(decoding: $0, as: UTF8.self) } }

@Suite struct ShellCommandTests {
    @Test func plainShell() {
        let s = ShellCommand.make(login: false, shell: "/bin/bash", command: [])
        #expect(String(decoding: s.shell, as: UTF8.self) == "/bin/bash")
        #expect(words(s.argv) == ["/bin/bash"])
    }

    @Test func loginShellHasADashedArgvZero() {
        #expect(words(ShellCommand.make(login: true, shell: "/usr/bin/zsh", command: []).argv) == ["-zsh"])
    }

    @Test func commandGoesToDashC() {
        let s = ShellCommand.make(login: true, shell: "/bin/sh",
                                  command: [Array("echo".utf8), Array("$HOME".utf8), Array("a b".utf8)])
        #expect(words(s.argv) == ["-sh", "-c", "echo $HOME a b"])
    }

    @Test func callerShellMustBeListed() {
        let listed: (String) -> Bool = { $0 == "/bin/bash" }
        #expect(ShellCommand.callerShell(environment: [Array("SHELL=/bin/bash".utf8)], listed: listed) == "/bin/bash")
        #expect(ShellCommand.callerShell(environment: [Array("SHELL=/tmp/evil".utf8)], listed: listed) == nil)
        #expect(ShellCommand.callerShell(environment: [Array("SHELL=bash".utf8)], listed: { _ in true }) == nil)
        #expect(ShellCommand.callerShell(environment: [], listed: listed) == nil)
    }
}
