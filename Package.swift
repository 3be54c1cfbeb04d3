// swift-tools-version:6.2
// runas: a small setuid-root "run as" command with plugin backends.
// README.md says what each trait builds ("Build traits") and how the parts
// fit ("How it works"); SECURITY.md, what the setuid core may do and when.
import PackageDescription

/// Every Swift target with trait Embedded (install.sh always sets it):
/// Embedded Swift, so the setuid core carries no Swift runtime, libstdc++
/// or libgcc_s, and each backend is a small shared object that needs
/// nothing but libc. Without the trait (`swift test`, the fuzzers) the very
/// same sources compile with the full standard library. String comparison
/// needs the toolchain's Unicode tables (install.sh passes their directory
/// with -L).
/// The feature is a plain flag, not .enableExperimentalFeature: SwiftPM
/// 6.3 gives the link step of any product whose targets name that setting
/// the Embedded feature too, whatever its trait condition, and the driver
/// then leaves out swiftrt.o (the object that registers and keeps the Swift
/// metadata sections), so a full-runtime build linked with -static-stdlib
/// lost them to --gc-sections and died at start. The link gets the flag
/// from `embeddedLink`, under the same condition. What SwiftPM adds for
/// that setting is then ours to add: -mergeable-symbols (SwiftPM 6.2 passes
/// it for Embedded targets; without it the core's link on Debian's 6.2.3
/// fails with "multiple definition" of the specialisations each module
/// emits; 6.3 emits them mergeable anyway).
let embedded: [SwiftSetting] = [
    .unsafeFlags(["-enable-experimental-feature", "Embedded", "-wmo", "-Xfrontend", "-mergeable-symbols"],
                 .when(traits: ["Embedded"])),
]
let embeddedLink: [LinkerSetting] = [
    .unsafeFlags(["-enable-experimental-feature", "Embedded"], .when(traits: ["Embedded"])),
]
let embeddedCoreLinker: [LinkerSetting] = embeddedLink + [
    .linkedLibrary("swiftUnicodeDataTables", .when(traits: ["Embedded"])),
    .linkedLibrary("m", .when(traits: ["Embedded"])),  // ceil, from the hash tables' sizing
]

/// _FORTIFY_SOURCE for the C targets' own sources only, in release builds.
/// Swift's C importer must never see it: with glibc 2.40 or later it
/// declares overloaded fortified read/pread that Swift cannot choose
/// between ("ambiguous use of 'read'"), which is why it is not a -Xcc flag.
/// install.sh passes the level (2, or the caller's CPPFLAGS/CFLAGS' if
/// higher) as RUNAS_FORTIFY_SOURCE.
let fortifyLevel = Context.environment["RUNAS_FORTIFY_SOURCE"] ?? "2"
precondition(["2", "3"].contains(fortifyLevel), "RUNAS_FORTIFY_SOURCE must be 2 or 3, not '\(fortifyLevel)'")
let hardenedC: [CSetting] = [.define("_FORTIFY_SOURCE", to: fortifyLevel, .when(configuration: .release))]

/// Linker settings of every backend: export only runas_backend_v1.
let backendLinker: [LinkerSetting] = embeddedLink + [
    .unsafeFlags(["-Xlinker", "--version-script=\(Context.packageDirectory)/Plugins/exports.map"]),
]

func backend(
    _ product: String, target: String, path: String, using own: [Target.Dependency]
) -> (Product, Target) {
    (.library(name: product, type: .dynamic, targets: [target]),
     .target(name: target, dependencies: ["BackendKit", "BackendPOSIX", "SystemEdge", "CRunasBuildConfig"] + own,
             path: path, swiftSettings: embedded, linkerSettings: backendLinker))
}

let systemdRun = backend("runas-backend-systemd-run", target: "SystemdRunBackend", path: "Plugins/systemd-run",
                         using: ["ServiceManagerKit"])
let run0 = backend("runas-backend-run0", target: "Run0Backend", path: "Plugins/run0", using: ["ServiceManagerKit"])
let scopex = backend("runas-backend-scopex", target: "ScopexBackend", path: "Plugins/scopex", using: ["ScopexSupport"])

let package = Package(
    name: "runas",
    products: [
        .executable(name: "runas", targets: ["runas"]),
        // For Fuzz/ only (the fuzz targets link the core's parsers).
        .library(name: "RunasCore", targets: ["RunasCore"]),
        systemdRun.0, run0.0, scopex.0,
    ],
    traits: [
        .default(enabledTraits: ["SystemdRun"]),
        .trait(name: "SystemdRun", description: "Build the systemd-run backend (default)."),
        .trait(name: "Run0", description: "Build the run0 backend (systemd >= 256)."),
        .trait(name: "Scopex", description: "Build scopex, runas's own fork/setuid/exec executor."),
        .trait(name: "PAM", description: "Authenticate through PAM (service \"runas\") instead of /etc/shadow."),
        .trait(name: "Embedded", description: "Build the setuid core as Embedded Swift (install.sh always does; swift test does not)."),
        .trait(name: "WithoutExpandEnv", description: "systemd-run without --expand-environment (systemd < 254): escape $ instead."),
    ],
    targets: [
        // The one libc edge (headers and inline helpers), for core and backends.
        .target(name: "CRunasLibc", cSettings: hardenedC),
        // The typed Swift layer over it: descriptors, errno, wait status.
        .target(name: "SystemEdge", dependencies: ["CRunasLibc", "CRunasSpawn"], swiftSettings: embedded),
        // Every build-time constant (paths, safe PATH, versions), defined once.
        .target(name: "CRunasBuildConfig", cSettings: hardenedC),
        // The backend ABI: one public C header, shared by core and backends.
        .target(name: "CRunasBackendABI", cSettings: hardenedC),
        // Starting a program: the one child routine and its {step, errno}
        // report, for the core and the backends.
        .target(name: "CRunasSpawn", dependencies: ["CRunasLibc"], cSettings: hardenedC),
        // C pieces of the core: start-up hardening, syslog, prompt signals,
        // the askpass spawn, try records, reading a backend's record.
        .target(name: "CRunasSupport", dependencies: ["CRunasLibc", "CRunasBackendABI", "CRunasSpawn"], cSettings: hardenedC),
        // How runas shows bytes it did not write (escapes), for core and backends.
        .target(name: "CRunasVisible", cSettings: hardenedC),
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "CPAM", providers: [.apt(["libpam0g-dev"])]),
        // The core: CLI, accounts, authentication, environment, loader.
        .target(
            name: "RunasCore",
            dependencies: [
                "SystemEdge", "CRunasLibc", "CRunasBuildConfig", "CRunasBackendABI", "CRunasSupport",
                "CRunasVisible", "CCrypt",
                .target(name: "CPAM", condition: .when(traits: ["PAM"])),
            ],
            swiftSettings: embedded,
            // Named here too: Embedded Swift does not autolink the module maps' libraries.
            linkerSettings: [.linkedLibrary("crypt"), .linkedLibrary("pam", .when(traits: ["PAM"]))]),
        // The setuid executable: a thin main.
        .executableTarget(
            name: "runas",
            dependencies: ["RunasCore", "CRunasLibc"],
            // Entry.swift defines the C main itself (Embedded Swift has no CommandLine).
            swiftSettings: embedded + [.unsafeFlags(["-parse-as-library"])],
            linkerSettings: embeddedCoreLinker),

        // Backends (Embedded Swift shared objects). What all of them use:
        // plain C helpers, and the Swift side of the ABI and of messages.
        .target(name: "BackendPOSIX", dependencies: ["CRunasLibc", "CRunasBackendABI", "CRunasSpawn"], path: "Plugins/BackendPOSIX", cSettings: hardenedC),
        .target(name: "BackendKit", dependencies: ["BackendPOSIX", "SystemEdge", "CRunasVisible", "CRunasBuildConfig"],
                path: "Plugins/BackendKit", swiftSettings: embedded),
        // scopex's own C half: signal relay, job control, pseudo-terminal.
        .target(name: "ScopexSupport", dependencies: ["BackendPOSIX"], path: "Plugins/ScopexSupport", cSettings: hardenedC),
        // What systemd-run and run0 share: running the client, passing
        // signals on to the unit (C: UnitSignals).
        .target(name: "UnitSignals", dependencies: ["BackendPOSIX"], path: "Plugins/UnitSignals", cSettings: hardenedC),
        .target(name: "ServiceManagerKit",
                dependencies: ["BackendKit", "BackendPOSIX", "UnitSignals", "SystemEdge", "CRunasBuildConfig"],
                path: "Plugins/ServiceManagerKit", swiftSettings: embedded),
        systemdRun.1, run0.1, scopex.1,

        .testTarget(name: "RunasCoreTests", dependencies: ["RunasCore", "SystemEdge", "CRunasLibc", "CRunasBackendABI"]),
    ]
)
