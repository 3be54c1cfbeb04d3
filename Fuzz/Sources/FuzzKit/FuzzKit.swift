// FuzzKit.swift: what every fuzz target shares: turning libFuzzer's bytes
// into the shapes the parsers take, and failing loudly on a broken
// invariant (a trap is what libFuzzer records as a crash).

/// The input as an array of bytes.
public func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
    Array(UnsafeBufferPointer(start: data, count: size))
}

/// The input split at NUL bytes: an argv, or an environment.
public func words(_ input: [UInt8]) -> [[UInt8]] {
    input.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
}

/// Stops the run (libFuzzer saves the input) when an invariant breaks.
public func require(_ condition: Bool, _ what: @autoclosure () -> String,
                    file: StaticString = #fileID, line: UInt = #line) {
    if !condition { fatalError("invariant broken: \(what())", file: file, line: line) }
}
