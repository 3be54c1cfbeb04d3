// RunDecisionTests.swift: the small decisions of a run, as pure functions:
// whether the command gets a pty, the command path as shown and run, the
// controlling terminal from /proc/self/stat.
import Testing
@testable import RunasCore
import CRunasBackendABI
import SystemEdge

@Suite struct PtyDecisionTests {
    @Test func onlyOnATerminal() {
        for option in [true, false, nil] as [Bool?] {
            #expect(!RunDecision.wantsPty(onTerminal: false, otherUser: true, option: option, buildDefault: true))
        }
    }

    @Test func ptyOptionIsHonouredForYourselfToo() {
        #expect(RunDecision.wantsPty(onTerminal: true, otherUser: false, option: true, buildDefault: true))
        #expect(RunDecision.wantsPty(onTerminal: true, otherUser: false, option: true, buildDefault: false))
        #expect(!RunDecision.wantsPty(onTerminal: true, otherUser: true, option: false, buildDefault: true))
    }

    @Test func defaultIsAnotherUsersCommandIfTheBuildSaysSo() {
        #expect(RunDecision.wantsPty(onTerminal: true, otherUser: true, option: nil, buildDefault: true))
        #expect(!RunDecision.wantsPty(onTerminal: true, otherUser: true, option: nil, buildDefault: false))
        #expect(!RunDecision.wantsPty(onTerminal: true, otherUser: false, option: nil, buildDefault: true))
    }
}

@Suite struct NormalisedPathTests {
    func n(_ s: String) -> String { String(decoding: CommandResolver.normalised(Array(s.utf8)), as: UTF8.self) }

    @Test func dotsAndSlashes() {
        #expect(n("/usr/bin/./true") == "/usr/bin/true")
        #expect(n("/usr/bin/.//./true") == "/usr/bin/true")
        #expect(n("//usr///bin/true") == "/usr/bin/true")
        #expect(n("/usr/bin/../bin/./true") == "/usr/bin/../bin/true")   // ".." depends on symlinks
        #expect(n("/srv/dir/.") == "/srv/dir/.")                          // a last "." stays
        #expect(n("/srv/dir/") == "/srv/dir/")
        #expect(n("/") == "/")
    }
}

@Suite struct ControllingTerminalTests {
    @Test func ttyFieldAfterTheLastParenthesis() {
        #expect(ControllingTerminal.ttyField(ofStat: Array("42 (sh) S 1 42 42 34816 42 0".utf8)) == 34816)
        #expect(ControllingTerminal.ttyField(ofStat: Array("42 (a) b) 7 8) S 1 42 42 1025 0".utf8)) == 1025)
        #expect(ControllingTerminal.ttyField(ofStat: Array("42 (sh) S 1 42 42 0 -1".utf8)) == nil)
        #expect(ControllingTerminal.ttyField(ofStat: Array("garbage".utf8)) == nil)
        #expect(ControllingTerminal.ttyField(ofStat: Array("42 (sh) S 1".utf8)) == nil)
    }
}

@Suite struct ProcessModelDecisionTests {
    func flags(pty: Bool, mustOutlive: Bool, canSignal: Bool = true) -> UInt32 {
        RunDecision.requestFlags(Options(), allStdioTerminals: false, usePty: pty, mustOutliveCommand: mustOutlive,
                                 callerCanSignalTarget: canSignal)
    }
    var inPlace: UInt32 { RUNAS_REQUEST_MAY_EXEC_IN_PLACE.rawValue }

    @Test func execInPlaceOnlyWhenNothingIsLeftToDo() {
        #expect(flags(pty: false, mustOutlive: false) & inPlace != 0)
        #expect(flags(pty: true, mustOutlive: false) & inPlace == 0)   // the pty must be served
        #expect(flags(pty: false, mustOutlive: true) & inPlace == 0)   // PAM must be closed
        #expect(flags(pty: true, mustOutlive: true) & inPlace == 0)
        // A caller who could not signal the target's process keeps runas
        // as the relay.
        #expect(flags(pty: false, mustOutlive: false, canSignal: false) & inPlace == 0)
    }

    @Test func ptyFlagFollowsTheDecision() {
        #expect(flags(pty: true, mustOutlive: false) & RUNAS_REQUEST_USE_PTY.rawValue != 0)
        #expect(flags(pty: false, mustOutlive: false) & RUNAS_REQUEST_USE_PTY.rawValue == 0)
    }
}

@Suite struct WaitStatusTests {
    @Test func decodesExitsSignalsAndStops() {
        #expect(WaitStatus(0) == .exited(0))
        #expect(WaitStatus(42 << 8) == .exited(42))
        #expect(WaitStatus(15) == .signaled(15, coreDumped: false))
        #expect(WaitStatus(9 | 0x80) == .signaled(9, coreDumped: true))
        #expect(WaitStatus((19 << 8) | 0x7f) == .stopped(19))
    }
}

@Suite struct SetuidStartTests {
    @Test func onlyTheIdentityMapIsTheInitialUserNamespace() {
        #expect(SetuidStart.isInitialUserNamespace(uidMap: Array("         0          0 4294967295\n".utf8)))
        #expect(!SetuidStart.isInitialUserNamespace(uidMap: Array("         0       2001          1\n".utf8)))
        #expect(!SetuidStart.isInitialUserNamespace(uidMap: Array("0 0 4294967295\n1 1 1\n".utf8)))
        #expect(!SetuidStart.isInitialUserNamespace(uidMap: Array("0 0 65536\n".utf8)))
        #expect(!SetuidStart.isInitialUserNamespace(uidMap: []))
    }
}
