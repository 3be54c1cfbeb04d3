// swift-tools-version:6.2
// Fuzz/: libFuzzer targets for every parser of untrusted input in the
// runas core. Built and run by Fuzz/run.sh (swift build --sanitize=fuzzer
// --sanitize=address); not part of the product. Each target checks the
// invariants that matter for its parser, not just "no crash".
import PackageDescription

/// Each target is one file with LLVMFuzzerTestOneInput; libFuzzer
/// supplies main, so the file is compiled as a library.
func fuzzTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzKit", .product(name: "RunasCore", package: "main")],
        swiftSettings: [.unsafeFlags(["-parse-as-library"])])
}

let package = Package(
    name: "runas-fuzz",
    dependencies: [.package(name: "main", path: "..")],
    targets: [
        .target(name: "FuzzKit"),
        fuzzTarget("FuzzOptions"),
        fuzzTarget("FuzzIdSpec"),
        fuzzTarget("FuzzEnvFile"),
        fuzzTarget("FuzzShadowEntry"),
        fuzzTarget("FuzzPromptText"),
        fuzzTarget("FuzzEnvironment"),
        fuzzTarget("FuzzLogLine"),
    ]
)
