// FuzzEnvFile.swift: the /etc/runas.env reader. Invariants: no crash on any
// bytes; every assignment has a valid variable name and a value without
// a newline (one line never spills into another variable); only lines for
// the target or "*" apply, so there are never more assignments than lines;
// a malformed line is reported with its path and number, never applied.
import FuzzKit
@testable import RunasCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = bytes(data, size)
    let target = EnvFile.Target(user: "alice", uid: 2001, group: "wheel", gid: 10)
    var warnings = 0
    let result = EnvFile.assignments(in: text, for: target, path: "/etc/runas.env") { message in
        warnings += 1
        require(message.hasPrefix("/etc/runas.env:") && !message.contains("\n"),
                "warning is not one line naming the file: \(message.debugDescription)")
    }
    let lines = text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
    require(result.count + warnings <= lines, "\(result.count) assignments from \(lines) lines")
    for a in result {
        require(isVariableName(Array(a.name.utf8)), "bad name \(a.name.debugDescription)")
        require(!a.value.contains(UInt8(ascii: "\n")), "a value spans lines")
    }
    // Lines for another user never apply.
    let other = EnvFile.Target(user: "someone-else", uid: 1, group: "g", gid: 1)
    let forOther = EnvFile.assignments(in: text, for: other, path: "/etc/runas.env") { _ in }
    let starLines = text.split(separator: UInt8(ascii: "\n")).filter { line in
        let words = line.split(whereSeparator: { $0 == 32 || $0 == 9 })
        return words.first.map { Array($0) == [UInt8(ascii: "*")] } ?? false
    }.count
    require(forOther.count <= starLines, "lines for alice applied to someone else")
    return 0
}
