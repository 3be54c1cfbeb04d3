// EnvFileTests.swift: the /etc/runas.env reader (format, matching, expansion).
import Testing
@testable import RunasCore

private let www = EnvFile.Target(user: "www", uid: 33, group: "web", gid: 333)

private func parse(_ text: String, for target: EnvFile.Target = www) -> ([String], [String]) {
    var warnings: [String] = []
    let list = EnvFile.assignments(in: Array(text.utf8), for: target, path: "/etc/runas.env") { warnings.append($0) }
    return (list.map { $0.name + "=" + String(decoding: $0.value, as: UTF8.self) }, warnings)
}

@Suite struct EnvFileTests {
    @Test func linesForEveryoneAndForTheTarget() {
        let (list, warnings) = parse("""
            # a comment
              # an indented comment

            *\tEDITOR=vim
            alice EDITOR=nano
            www   HOME=/srv/${USER}  trailing words stay
            www X=${UID}:${GROUP}:${GID}:${OTHER}:$USER
            """)
        #expect(list == ["EDITOR=vim", "HOME=/srv/www  trailing words stay", "X=33:web:333:${OTHER}:$USER"])
        #expect(warnings.isEmpty)
    }

    @Test func malformedLinesAreSkippedWithTheirNumber() {
        let (list, warnings) = parse("* GOOD=1\nEDITOR=vim\n* 1BAD=x\nwww\n* NOEQUALS\r\n* LAST=2\r\n")
        #expect(list == ["GOOD=1", "LAST=2"])
        #expect(warnings == ["/etc/runas.env:2: not 'USER NAME=VALUE', ignored",
                             "/etc/runas.env:3: not 'USER NAME=VALUE', ignored",
                             "/etc/runas.env:4: not 'USER NAME=VALUE', ignored",
                             "/etc/runas.env:5: not 'USER NAME=VALUE', ignored"])
    }

    @Test func emptyValueAndEqualsInValue() {
        #expect(parse("* A=\n* B=x=y\n").0 == ["A=", "B=x=y"])
    }
}
