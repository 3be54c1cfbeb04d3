// FuzzEnvironment.swift: the environment filter (CommandEnvironment.build).
// The input's first byte picks -E and --preserve-env; the rest, split at
// NUL bytes, is the caller's environment. Invariants: no variable that
// never passes implicitly (LD_*, BASH_ENV, "()" values...) survives, not
// even with -E or --preserve-env naming it; no name appears twice; the
// variables runas always sets have runas's values (PATH is the safe path,
// HOME and USER the target's); every name is a valid variable name.
import FuzzKit
@testable import RunasCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEnvironment(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = bytes(data, size)
    guard let control = input.first else { return 0 }
    let callerEnvironment = words(Array(input.dropFirst()))
    var options = Options()
    options.preserveAllEnvironment = control & 1 != 0
    if control & 2 != 0 {
        // --preserve-env naming every caller variable, as a caller could.
        options.preserveEnvironment = callerEnvironment.compactMap { entry in
            EnvironmentAssignment(parsing: entry)?.name
        }
    }
    let caller = Account(name: "alice", uid: 2001, gid: 2001, home: "/home/alice", shell: "/bin/sh")
    let target = Account(name: "root", uid: 0, gid: 0, home: "/root", shell: "/bin/bash")
    let context = CommandEnvironment.Context(caller: caller, target: target, commandLine: Array("/bin/true".utf8))
    let result = CommandEnvironment.build(callerEnvironment: callerEnvironment, options: options, context: context)

    var names = Set<String>()
    for (name, value) in result {
        require(names.insert(name).inserted, "\(name) appears twice")
        require(isVariableName(Array(name.utf8)), "bad name \(name.debugDescription)")
        require(!CommandEnvironment.neverPasses(name: name, value: value), "\(name) passed implicitly")
        if name == "LANG" || name == "LANGUAGE" || name.hasPrefix("LC_") {
            require(!value.contains(UInt8(ascii: "/")) && !value.contains(UInt8(ascii: "%")),
                    "\(name) with a path or format passed")
        }
        if name == "TZ" { require(!CommandEnvironment.contains(value, Array("..".utf8)), "TZ with .. passed") }
    }
    func value(_ name: String) -> [UInt8]? { result.first { $0.name == name }?.value }
    require(value("PATH") == Array(CommandEnvironment.safePath.utf8), "PATH is not the safe path")
    require(value("HOME") == Array("/root".utf8), "HOME is not the target's")
    require(value("USER") == Array("root".utf8), "USER is not the target's")
    require(value("SUDO_USER") == Array("alice".utf8), "SUDO_USER is not the caller")
    if let term = value("TERM") { require(CommandEnvironment.isSafeTerm(term), "an unsafe TERM passed") }
    return 0
}
