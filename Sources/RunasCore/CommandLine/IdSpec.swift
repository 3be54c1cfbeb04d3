// IdSpec.swift: the value of -u/-g: a name, or "#N" for a numeric id.
//
// "#N" accepts only plain decimal 0...4294967294: no sign, no spaces, no
// hex, no leading "+", not empty. 4294967295 is (uid_t)-1, which the kernel
// reads as "leave unchanged" (CVE-2019-14287), so it is never an id.

public enum IdSpec: Equatable, Sendable {
    case name(String)
    case id(UInt32)

    public static let maximumId: UInt32 = 4_294_967_294

    public static func parse(_ text: String, what: String) throws(Failure) -> IdSpec {
        guard text.hasPrefix("#") else {
            guard !text.isEmpty else { throw Failure("empty \(what) name") }
            return .name(text)
        }
        guard let value = plainNumber(String(text.dropFirst())) else {
            throw Failure("invalid \(what) id: \(visible(text))")
        }
        return .id(value)
    }

    /// 0...maximumId in plain decimal digits, else nil.
    static func plainNumber(_ text: String) -> UInt32? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy(isDigit) else { return nil }
        var value: UInt64 = 0
        for d in digits { value = value * 10 + UInt64(d - UInt8(ascii: "0")) }
        return value <= UInt64(maximumId) ? UInt32(value) : nil
    }
}
