// main.swift: the setuid entry point. Hands argv and the environment, as
// raw bytes, to RunasCore; everything else happens there.
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
Runas.main(arguments: arguments, environment: environment)
