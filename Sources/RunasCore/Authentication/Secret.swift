// Secret.swift: a bounded, NUL-terminated buffer for a password, wiped
// (explicit_bzero) before its memory is released.
import CRunasLibc
import SystemEdge

public final class Secret {
    /// Longest password kept: 511 bytes, the most libxcrypt hashes (its
    /// CRYPT_MAX_PASSPHRASE_SIZE, 512, counts the NUL) and within what PAM
    /// passes (PAM_MAX_RESP_SIZE). Longer input is read to its end and can
    /// never match: it is not truncated into something that might.
    public static let capacity = 511

    let bytes: UnsafeMutablePointer<CChar>
    public private(set) var count = 0
    public private(set) var overflowed = false

    public init() {
        bytes = .allocate(capacity: Secret.capacity + 1)
        bytes.initialize(repeating: 0, count: Secret.capacity + 1)
    }

    init(_ text: String) {
        bytes = .allocate(capacity: Secret.capacity + 1)
        bytes.initialize(repeating: 0, count: Secret.capacity + 1)
        for b in text.utf8 { append(b) }
    }

    func append(_ byte: UInt8) {
        if count < Secret.capacity {
            bytes[count] = CChar(bitPattern: byte)
            count += 1
        } else {
            overflowed = true
        }
    }

    /// The password as a C string, for libcrypt or PAM.
    public var cString: UnsafePointer<CChar> { UnsafePointer(bytes) }

    public func wipe() {
        explicit_bzero(bytes, Secret.capacity + 1)
        count = 0
    }

    deinit {
        wipe()
        bytes.deallocate()
    }
}
