// FuzzPromptText.swift: the prompt-escape expander (-p, RUNAS_PROMPT,
// SUDO_PROMPT).
// Invariants: no crash; text without '%' comes back unchanged; every
// escape expands to at most the longest name, so the prompt stays bounded;
// RUNAS_PROMPT and SUDO_PROMPT are only taken from entries that start
// with those names.
import FuzzKit
@testable import RunasCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromptText(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = bytes(data, size)
    let template = String(decoding: input, as: UTF8.self)
    let caller = "alice", target = "root", host = "box.example.org"
    let prompt = PromptText.make(template: template, caller: caller, target: target, hostName: host)
    if !template.contains("%") {
        require(prompt == template, "text without escapes changed")
    }
    let longest = max(caller.utf8.count, target.utf8.count, host.utf8.count, 2)
    require(prompt.utf8.count <= template.utf8.count * longest + 1, "prompt grew without bound")

    let environment = words(input)
    if let chosen = PromptText.template(option: nil, environment: environment) {
        require(environment.contains {
            $0.starts(with: Array("RUNAS_PROMPT=".utf8)) || $0.starts(with: Array("SUDO_PROMPT=".utf8))
        }, "a template without RUNAS_PROMPT= or SUDO_PROMPT= in the environment")
        _ = chosen
    }
    require(PromptText.template(option: "x", environment: environment) == "x", "-p did not win")
    return 0
}
