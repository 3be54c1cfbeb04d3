// FuzzOptions.swift: the command-line parser. The input, split at NUL
// bytes, is argv without argv[0]. Invariants: no crash on any bytes; the
// command is exactly a suffix of argv, byte for byte (nothing escaped or
// re-encoded); every variable the words set has a valid name; a refusal
// is one line.
import FuzzKit
@testable import RunasCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOptions(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let argv = words(bytes(data, size))
    do {
        let o = try OptionParser.parse(argv)
        require(o.command.count <= argv.count, "more command words than argv")
        require(Array(argv.suffix(o.command.count)) == o.command, "the command is not argv's suffix")
        for a in o.setEnvironment + [] {
            require(isVariableName(Array(a.name.utf8)), "bad variable name \(a.name.debugDescription)")
        }
        for name in o.preserveEnvironment {
            require(isVariableName(Array(name.utf8)), "bad --preserve-env name \(name.debugDescription)")
        }
        require(!(o.shell && o.login), "-s and -i both accepted")
        if o.mode == .help || o.mode == .version || o.mode == .check {
            require(o.command.isEmpty, "\(o.mode) with a command accepted")
        }
        if let user = o.user { require(!user.isEmpty, "empty user accepted") }
    } catch {
        require(!error.message.isEmpty && !error.message.contains("\n"),
                "refusal is not one line: \(error.message.debugDescription)")
        require(error.exitStatus == 1, "a parse refusal exits \(error.exitStatus)")
    }
    return 0
}
