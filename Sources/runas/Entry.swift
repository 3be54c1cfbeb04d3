// Entry.swift: the setuid entry point. Hands argv and the environment, as
// raw bytes, to RunasCore, and empties its own environment; everything
// else happens in RunasCore. A C `main` (not top-level code), so the same
// file serves the Embedded build, which has no CommandLine.
import CRunasLibc
import RunasCore

func bytes(_ p: UnsafeMutablePointer<CChar>) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
}

@_cdecl("runas_main") // SwiftPM links main as an alias of <module>_main
func main(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    let arguments = (0..<Int(argc)).compactMap { argv[$0].map(bytes) }
    var environment: [[UInt8]] = []
    if var p = libc_environ() {
        while let entry = p.pointee { environment.append(bytes(entry)); p += 1 }
    }
    // From here on runas's own process has no environment: nothing the
    // caller set (TZ, locale, ...) can steer libc, NSS or PAM modules
    // running as root. The caller's variables live on only as data for the
    // allow-list.
    clearenv()
    Runas.main(arguments: arguments, environment: environment)
}
