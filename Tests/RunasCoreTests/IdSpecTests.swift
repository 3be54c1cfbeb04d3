// IdSpecTests.swift: "#N" parsing for -u/-g (CVE-2019-14287 class).
import Testing
@testable import RunasCore

@Suite struct IdSpecTests {
    @Test func namesStayNames() throws {
        #expect(try IdSpec.parse("alice", what: "user") == .name("alice"))
        #expect(try IdSpec.parse("1000", what: "user") == .name("1000"))
    }

    @Test func numericIds() throws {
        #expect(try IdSpec.parse("#0", what: "user") == .id(0))
        #expect(try IdSpec.parse("#65534", what: "user") == .id(65534))
        #expect(try IdSpec.parse("#4294967294", what: "user") == .id(4_294_967_294))
    }

    @Test(arguments: ["#", "#-1", "#4294967295", "#4294967296", "#99999999999", "#+1", "# 1", "#1 ",
                      "#0x10", "#1e3", "#١"])
    func rejected(_ text: String) {
        #expect(throws: Failure.self) { try IdSpec.parse(text, what: "user") }
    }

    @Test func emptyNameRejected() {
        #expect(throws: Failure.self) { try IdSpec.parse("", what: "user") }
    }

    @Test func plainNumbersForDigitOnlyNames() {
        #expect(IdSpec.plainNumber("1000") == 1000)
        #expect(IdSpec.plainNumber("0") == 0)
        #expect(IdSpec.plainNumber("4294967294") == 4_294_967_294)
        for bad in ["4294967295", "99999999999", "-1", "+1", "1 ", "", "0x1", "1a"] {
            #expect(IdSpec.plainNumber(bad) == nil, "\(bad)")
        }
    }
}
