// JournalEntryTests.swift: the journal entry runas sends where journald
// listens: journald's native encoding (text and binary fields), and the
// fields of a record, which the caller's values cannot add to.
import CRunasLibc
import Testing
@testable import RunasCore

@Suite struct JournalEntryTests {
    /// Splits a datagram as journald's native protocol reads it: a line
    /// with "=" is KEY=value; one without is KEY, then a 64-bit little
    /// endian length, that many bytes, and "\n".
    func decode(_ data: [UInt8]) -> [(String, [UInt8])] {
        var fields: [(String, [UInt8])] = []
        var i = 0
        while i < data.count {
            let end = data[i...].firstIndex(of: UInt8(ascii: "\n"))!
            let line = Array(data[i..<end])
            if let eq = line.firstIndex(of: UInt8(ascii: "=")) {
                fields.append((String(decoding: line[..<eq], as: UTF8.self), Array(line[(eq + 1)...])))
                i = end + 1
            } else {
                var length = 0
                for k in 0..<8 { length |= Int(data[end + 1 + k]) << (8 * k) }
                let start = end + 9
                fields.append((String(decoding: line, as: UTF8.self), Array(data[start..<(start + length)])))
                #expect(data[start + length] == UInt8(ascii: "\n"))
                i = start + length + 1
            }
        }
        return fields
    }

    @Test func textFieldsAreKeyEqualsValueLines() {
        let data = JournalEntry.encode([("MESSAGE", Array("alice : a=b".utf8)), ("PRIORITY", Array("5".utf8))])
        #expect(data == Array("MESSAGE=alice : a=b\nPRIORITY=5\n".utf8))
    }

    @Test func aValueWithANewlineIsOneBinaryField() {
        let value = Array("id\nRUNAS_RESULT=run".utf8)
        let data = JournalEntry.encode([("RUNAS_COMMAND", value), ("RUNAS_RESULT", Array("refused".utf8))])
        #expect(Array(data.prefix(14)) == Array("RUNAS_COMMAND\n".utf8))
        #expect(Array(data[14..<22]) == [UInt8(value.count), 0, 0, 0, 0, 0, 0, 0])
        let fields = decode(data)
        #expect(fields.map { $0.0 } == ["RUNAS_COMMAND", "RUNAS_RESULT"])
        #expect(fields[0].1 == value)
        #expect(fields[1].1 == Array("refused".utf8))
    }

    @Test func otherControlCharactersAndEmptyValues() {
        #expect(JournalEntry.encode([("K", [0x1b])]) == Array("K\n".utf8) + [1, 0, 0, 0, 0, 0, 0, 0, 0x1b, 0x0a])
        #expect(JournalEntry.encode([("K", [])]) == Array("K=\n".utf8))
    }

    @Test func aRecordsFields() {
        let s = LogSubject(user: "alice", tty: "/dev/pts/3", cwd: Array("/srv/a;b".utf8), target: "root",
                           group: "proj", environment: Array("A=1".utf8),
                           command: Array("/usr/bin/printf a\nRUNAS_RESULT=run \\x1b".utf8))
        let message = visible(SystemLog.line(s, reason: "not allowed"))
        let fields = decode(JournalEntry.encode(JournalEntry.fields(
            s, priority: LOG_AUTHPRIV | LOG_ALERT, result: .refused, reason: "not allowed", message: message, pid: 42)))
        let text = fields.map { ($0.0, String(decoding: $0.1, as: UTF8.self)) }
        #expect(text.map { $0.0 } == ["MESSAGE", "PRIORITY", "SYSLOG_FACILITY", "SYSLOG_IDENTIFIER", "SYSLOG_PID",
                                     "RUNAS_RESULT", "RUNAS_REASON", "RUNAS_USER", "RUNAS_TTY", "RUNAS_PWD",
                                     "RUNAS_TARGET_USER", "RUNAS_TARGET_GROUP", "RUNAS_ENV", "RUNAS_COMMAND"])
        let value = Dictionary(text, uniquingKeysWith: { a, _ in a })
        #expect(value["MESSAGE"] == message)
        #expect(message.hasSuffix("COMMAND=/usr/bin/printf a\\x0aRUNAS_RESULT=run \\x5cx1b"))
        #expect(value["PRIORITY"] == "1")
        #expect(value["SYSLOG_FACILITY"] == "10")
        #expect(value["SYSLOG_PID"] == "42")
        #expect(value["RUNAS_RESULT"] == "refused")
        #expect(value["RUNAS_TTY"] == "pts/3")
        #expect(value["RUNAS_PWD"] == "/srv/a;b")
        #expect(value["RUNAS_TARGET_GROUP"] == "proj")
        // As the line shows the command, and still one field.
        #expect(value["RUNAS_COMMAND"] == "/usr/bin/printf a\\x0aRUNAS_RESULT=run \\x5cx1b")
    }

    @Test func aRunHasNoReasonAndNoGroup() {
        let s = LogSubject(user: "alice", tty: nil, cwd: Array("/".utf8), target: "root", command: Array("id".utf8))
        let fields = JournalEntry.fields(s, priority: LOG_AUTHPRIV | LOG_NOTICE, result: .run, reason: nil,
                                         message: "m", pid: 1)
        let keys = fields.map { $0.key }
        #expect(!keys.contains("RUNAS_REASON") && !keys.contains("RUNAS_TARGET_GROUP") && !keys.contains("RUNAS_ENV"))
        #expect(fields.first { $0.key == "RUNAS_TTY" }?.value == Array("unknown".utf8))
        #expect(fields.first { $0.key == "RUNAS_RESULT" }?.value == Array("run".utf8))
        #expect(fields.first { $0.key == "PRIORITY" }?.value == Array("5".utf8))
    }
}
