// swift-tools-version:6.1
// runas: a small setuid-root "run as" command with plugin backends.
// README.md says what each trait builds ("Build traits") and how the parts
// fit ("How it works"); SECURITY.md, what the setuid core may do and when.
import PackageDescription

/// Swift settings of the backends: Embedded Swift, so each backend is a
/// small shared object that needs nothing but libc (no Swift runtime).
let embedded: [SwiftSetting] = [
    .enableExperimentalFeature("Embedded"),
    .unsafeFlags(["-wmo", "-Osize"]),
]

/// Linker settings of every backend: export only runas_backend_v1.
let backendLinker: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--version-script=\(Context.packageDirectory)/Plugins/exports.map"]),
]

func backend(_ product: String, target: String, path: String) -> (Product, Target) {
    (.library(name: product, type: .dynamic, targets: [target]),
     .target(name: target, dependencies: ["BackendKit", "BackendPOSIX"], path: path,
             swiftSettings: embedded, linkerSettings: backendLinker))
}

let systemdRun = backend("runas-backend-systemd-run", target: "SystemdRunBackend", path: "Plugins/systemd-run")
let run0 = backend("runas-backend-run0", target: "Run0Backend", path: "Plugins/run0")
let scopex = backend("runas-backend-scopex", target: "ScopexBackend", path: "Plugins/scopex")

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
        .trait(name: "WithoutExpandEnv", description: "systemd-run without --expand-environment (systemd < 254): escape $ instead."),
    ],
    targets: [
        // The backend ABI: one public C header, shared by core and backends.
        .target(name: "CRunasBackendABI"),
        // C pieces of the core: start-up environment scrub, syslog, build config.
        .target(name: "CRunasSupport"),
        // How runas shows bytes it did not write (escapes), for core and backends.
        .target(name: "CRunasVisible"),
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(name: "CPAM", providers: [.apt(["libpam0g-dev"])]),
        // The core: CLI, accounts, authentication, environment, loader.
        .target(
            name: "RunasCore",
            dependencies: [
                "CRunasBackendABI", "CRunasSupport", "CRunasVisible", "CCrypt",
                .target(name: "CPAM", condition: .when(traits: ["PAM"])),
            ]),
        // The setuid executable: a thin main, Swift runtime linked statically.
        .executableTarget(
            name: "runas",
            dependencies: ["RunasCore"],
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]),

        // Backends (Embedded Swift shared objects).
        .target(name: "BackendPOSIX", dependencies: ["CRunasBackendABI"], path: "Plugins/BackendPOSIX"),
        .target(name: "BackendKit", dependencies: ["BackendPOSIX", "CRunasVisible"], path: "Plugins/BackendKit",
                swiftSettings: embedded),
        systemdRun.1, run0.1, scopex.1,

        .testTarget(name: "RunasCoreTests", dependencies: ["RunasCore"]),
    ]
)
