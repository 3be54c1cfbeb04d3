// main.swift: the setuid entry point. Hands argv and the environment, as
// raw bytes, to RunasCore, and empties its own environment; everything
// else happens in RunasCore.
#if canImport(Glibc)
import Glibc
#endif
import RunasCore

func bytes(_ p: UnsafeMutablePointer<CChar>) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: p, count: strlen(p)))
}

let arguments = (0..<Int(CommandLine.argc)).compactMap { CommandLine.unsafeArgv[$0].map(bytes) }
var environment: [[UInt8]] = []
let environmentList: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
if var p = environmentList {
    while let entry = p.pointee { environment.append(bytes(entry)); p += 1 }
}
// From here on runas's own process has no environment: nothing the caller
// set (TZ, locale, ...) can steer libc, NSS or PAM modules running as root.
// The caller's variables live on only as data for the allow-list.
clearenv()
Runas.main(arguments: arguments, environment: environment)
