// GuessThrottle.swift: how many passwords a caller may try, across every
// runas process (killed, parallel or repeated runs alike).
//
// Each caller (by real uid) has a record, /run/runas/UID (the directory is
// fixed at build time, RUNAS_TALLY_DIR): the number of failed tries in a
// row and when the last one was taken (CLOCK_BOOTTIME seconds; /run and the
// records vanish at boot, and so does that clock; a time ahead of it, in a
// /run that survived a reboot, is taken as now). A try is counted once its
// password is typed, before it is checked, under an exclusive lock that is
// held until the answer is known; a right password sets the count back to
// 0. So a run killed while the hash is computed, or after, has still spent
// its try; parallel runs cannot check more than the rules allow, and none
// of them counts another's try, still being checked, as a failure (it waits
// for the answer instead: one caller's checks run one at a time). Nothing
// is locked while runas waits for a password to be typed. The record is
// 32 bytes of fixed width, written over the old ones in one pwrite and
// never truncated: neither a kill nor a resource limit (RLIMIT_FSIZE) can
// leave it empty once written, and a record that cannot be read counts as
// 3 failures, never as none. The rules:
//   - 3 tries in a row are free (one run's worth);
//   - after N >= 3 failures in a row, the next try waits until
//     10 s x 2^(N-3) after the last one, at most 10 minutes;
//   - a run that must wait is refused at once (before any prompt), saying
//     how long, and logged.
// So at most 5 guesses in the first minute, 9 in the first 11 minutes, then
// one every 10 minutes. Only the caller's own processes can add to the
// caller's record (a caller outside wheel is refused before any password),
// so nobody can lock anyone else out. Root can end a lock-out early by
// removing the record.
//
// The directory is created by runas (root:root, 0700) if missing, the
// records root:root 0600; runas never follows a symlink there, and refuses
// to go on (fail closed) if the directory or a record is not root's own,
// or cannot be used at all.
import CRunasBuildConfig
import CRunasLibc
import CRunasSupport
import SystemEdge

public enum GuessThrottle {
    public static let freeTries = 3
    public static let firstWait = 10
    public static let longestWait = 600

    /// Seconds that must pass after the last of `failures` tries in a row.
    public static func wait(afterFailures failures: Int) -> Int {
        guard failures >= freeTries else { return 0 }
        let doublings = failures - freeTries
        return doublings >= 6 ? longestWait : min(firstWait << doublings, longestWait)
    }

    /// What a record holds.
    public struct Tally: Equatable, Sendable {
        public var failures: Int
        public var last: Int

        /// "FAILURES LAST\n", both zero-padded to a fixed width. Anything
        /// else (an empty file: a run killed right after creating it)
        /// counts as `freeTries` failures long ago, never as a clean record:
        /// a record that cannot be read must not give guesses back.
        public init(parsing bytes: [UInt8]) {
            let words = bytes.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") })
            guard words.count == 2, words.allSatisfy({ $0.count <= 20 && $0.allSatisfy(isDigit) }),
                  let f = Int(String(decoding: words[0], as: UTF8.self)), f <= Tally.mostFailures,
                  let l = Int(String(decoding: words[1], as: UTF8.self)), l <= Tally.latest else {
                self.init(failures: GuessThrottle.freeTries, last: 0)
                return
            }
            self.init(failures: f, last: l)
        }

        /// Bounds that keep every sum below Int.max (a record is root's,
        /// but its reader must not trap on one).
        static let mostFailures = 999_999_999
        static let latest = 999_999_999_999

        public init(failures: Int, last: Int) {
            self.failures = failures
            self.last = last
        }

        /// Always recordLength bytes, so that it is written over the old
        /// one in place, in one pwrite: never truncated, never half there.
        var text: [UInt8] {
            Tally.padded(min(failures, Tally.mostFailures), 10) + [UInt8(ascii: " ")]
                + Tally.padded(min(last, Tally.latest), 20) + [UInt8(ascii: "\n")]
        }

        static func padded(_ n: Int, _ width: Int) -> [UInt8] {
            let digits = Array(String(max(n, 0)).utf8)
            return [UInt8](repeating: UInt8(ascii: "0"), count: max(width - digits.count, 0)) + digits
        }

        static let recordLength = 32

        /// Seconds still to wait at `now`, 0 if a try may be taken.
        public func secondsLeft(now: Int) -> Int {
            let wait = GuessThrottle.wait(afterFailures: failures)
            // A clock before the last try: wait in full (Record writes
            // such a time back as now first, so the wait runs down).
            if now < last { return wait }
            return now - last >= wait ? 0 : wait - (now - last)
        }
    }

    /// The caller's record, open (and created if need be).
    ///
    /// A spent try keeps the record locked until its answer is known
    /// (`settle`): the caller's other runs wait for that answer (a hash:
    /// ~25 ms) instead of counting a try still being checked as a failure,
    /// so parallel runs with the right password all get through, while
    /// parallel wrong ones are still counted one by one. Nothing is locked
    /// while runas waits for a password to be typed. A run killed while
    /// it holds the lock loses it (the kernel drops a dead process's
    /// flock; the descriptor is close-on-exec, so no child keeps it), and
    /// its try stays spent.
    public final class Record {
        let file: FileDescriptor
        /// This run holds the lock: from a spent try to its answer.
        private var held = false

        init(_ file: consuming FileDescriptor) { self.file = file }

        /// Refuses, before any prompt, a caller who must still wait.
        public func check() throws(Failure) {
            try locked { tally, now throws(Failure) in
                try refuseIfWaiting(tally, now: now)
                return nil
            }
        }

        /// Spends one try (its password typed, not yet checked): refused if
        /// the caller must still wait. Returns the failures in a row this
        /// try makes if it is wrong. The record stays locked until `settle`.
        @discardableResult
        public func spend() throws(Failure) -> Int {
            if !held { try lock() }
            held = true
            var count = 0
            do throws(Failure) {
                try locked { tally, now throws(Failure) in
                    try refuseIfWaiting(tally, now: now)
                    count = tally.failures + 1
                    return Tally(failures: count, last: now)
                }
            } catch {
                letGo()
                throw error
            }
            return count
        }

        /// The stack asks for another answer within the same try (PAM: a
        /// code, then a password): the lock is let go while runas waits
        /// for it, so that a run left at a prompt holds up none of the
        /// caller's other runs. The try stays spent: the stack may have
        /// checked the first answer already. (Meanwhile the others see it
        /// as spent, as any try of a stack that asks twice.)
        public func pauseForPrompt() { letGo() }

        /// That answer is typed: locked again for its check.
        public func resumeAfterPrompt() throws(Failure) {
            guard !held else { return }
            try lock()
            held = true
        }

        /// The answer to the try is known: a right one sets the count back
        /// to 0 (also when no try was spent: a stack that asked nothing);
        /// a wrong one stays counted. Either way the lock is let go.
        public func settle(right: Bool) {
            if right { try? locked { _, _ throws(Failure) in Tally(failures: 0, last: 0) } }
            letGo()
        }

        private func refuseIfWaiting(_ tally: Tally, now: Int) throws(Failure) {
            let left = tally.secondsLeft(now: now)
            guard left > 0 else { return }
            throw Failure("too many incorrect passwords, try again in \(left) s",
                          log: "locked out: \(tally.failures) incorrect passwords in a row, \(left) s left")
        }

        private func lock() throws(Failure) {
            let fd = file.rawValue
            do throws(Errno) { _ = try retryingOnInterrupt { flock(fd, LOCK_EX) } } catch {
                throw GuessThrottle.unusable("lock", error)
            }
        }

        private func letGo() {
            guard held else { return }
            _ = flock(file.rawValue, LOCK_UN)
            held = false
        }

        /// Reads the tally under the exclusive lock (taken for the call
        /// unless this run holds it) and writes what `body` returns (nil:
        /// leave it) over it, in place. A time ahead of now is written back
        /// as now first: a record from before a reboot, in a /run that
        /// survived it, while CLOCK_BOOTTIME started again from 0; waited
        /// for as it stands, its wait would never run down.
        private func locked(_ body: (Tally, Int) throws(Failure) -> Tally?) throws(Failure) {
            let mine = !held
            if mine { try lock() }
            defer { if mine { _ = flock(file.rawValue, LOCK_UN) } }
            var bytes = [UInt8](repeating: 0, count: 64)
            let n: Int
            do throws(Errno) {
                n = try file.read(into: &bytes, at: 0)
            } catch { throw GuessThrottle.unusable("read", error) }
            let now = GuessThrottle.now()
            var tally = Tally(parsing: Array(bytes.prefix(n)))
            if tally.last > now {
                tally.last = now
                try GuessThrottle.write(tally, to: file)
            }
            guard let next = try body(tally, now) else { return }
            try GuessThrottle.write(next, to: file)
        }
    }

    /// Writes a record over the old one: one pwrite of fixed width at 0.
    /// The caller's RLIMIT_FSIZE (kept across the setuid exec) must not
    /// fail or shorten it: below the record's 32 bytes it is lifted to
    /// them for the write and put back at once (the command gets the
    /// caller's limit). Where it cannot be (a hard limit below 32 bytes
    /// and no CAP_SYS_RESOURCE), nothing is written and the run refused.
    static func write(_ tally: Tally, to file: borrowing FileDescriptor) throws(Failure) {
        let text = tally.text
        let needed = rlim_t(text.count)
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 else {
            throw unusable("file size limit", .current)
        }
        let lifted = limit.rlim_cur < needed
        if lifted {
            var enough = rlimit(rlim_cur: needed, rlim_max: max(limit.rlim_max, needed))
            guard setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &enough) == 0 else {
                throw unusable("file size limit below \(needed) bytes", .current)
            }
        }
        let written: Result<Int, Errno>
        do throws(Errno) {
            written = .success(try file.write(text, at: 0))
        } catch { written = .failure(error) }
        if lifted && setrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) != 0 {
            throw unusable("file size limit", .current)
        }
        switch written {
        case .failure(let error): throw unusable("write", error)
        case .success(let n) where n != text.count: throw unusable("write", Errno(rawValue: EIO))
        case .success: return
        }
    }

    public static var directory: String { String(cString: runas_build_tally_directory()) }

    /// Opens the caller's record: the directory must be a real directory
    /// (not a symlink) owned by root and writable by nobody else; the
    /// record a regular file owned by root, opened without following a
    /// symlink. Anything else refuses the run.
    public static func open(uid: UInt32, directory path: String = directory) throws(Failure) -> Record {
        if mkdir(path, 0o700) != 0 {
            let error = Errno.current
            if error != .exists { throw unusable("create \(path)", error) }
        }
        let dir: FileDescriptor
        do throws(Errno) { dir = try FileDescriptor.open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) } catch {
            if error.rawValue == ENOTDIR || error.rawValue == ELOOP { throw notRootsOwn(path) }
            throw unusable("open \(path)", error)
        }
        let directoryStatus: FileStatus
        do throws(Errno) { directoryStatus = try dir.status() } catch { throw unusable("stat \(path)", error) }
        guard directoryStatus.isRootOwnedAndOnlyRootWritable else { throw notRootsOwn(path) }
        try giveToRootsGroup(dir, directoryStatus, shown: path)
        let shown = "\(path)/\(uid)"
        let file = try openRecord(in: dir, named: "\(uid)", shown: shown)
        guard let st = try? file.status(), st.isRegularFile, st.owner == 0, st.linkCount == 1 else {
            throw notRootsOwn(shown)
        }
        try giveToRootsGroup(file, st, shown: shown)
        return Record(file)
    }

    /// root:root. What runas creates gets its effective gid, which is the
    /// caller's (the binary is setuid, not setgid), and earlier versions
    /// left the directory and records so: with modes 0700 and 0600 that
    /// group could do nothing, but nothing of root's should name a
    /// caller's group. Only ever called on what was checked root's own.
    static func giveToRootsGroup(
        _ file: borrowing FileDescriptor, _ status: FileStatus, shown: String
    ) throws(Failure) {
        guard status.group != 0 else { return }
        if fchown(file.rawValue, 0, 0) != 0 { throw unusable("chown \(shown)", .current) }
    }

    /// The record, created whole if it does not exist yet: written as an
    /// unnamed file (O_TMPFILE) and then linked in, so that no run, however
    /// parallel or however killed, ever sees it empty. (Were it created
    /// empty, a run killed before writing it would leave a record that
    /// must be read as "3 failures", locking out an innocent caller.)
    static func openRecord(
        in dir: borrowing FileDescriptor, named name: String, shown: String
    ) throws(Failure) -> FileDescriptor {
        for _ in 0..<2 {
            do throws(Errno) {
                return try FileDescriptor.open(name, in: dir, O_RDWR | O_NOFOLLOW | O_NONBLOCK)
            } catch {
                if error.rawValue == ELOOP { throw notRootsOwn(shown) }
                guard error == .noSuchFile else { throw unusable("open \(shown)", error) }
            }
            let fresh: FileDescriptor
            do throws(Errno) {
                fresh = FileDescriptor(owning: try valueOrErrno { runas_record_open_unnamed(dir.rawValue, 0o600) })
            } catch { throw unusable("create \(shown)", error) }
            try write(Tally(failures: 0, last: 0), to: fresh)
            // Another run may have linked its own first: then use that one.
            if runas_record_link(fresh.rawValue, dir.rawValue, name) != 0 {
                let error = Errno.current
                if error != .exists { throw unusable("create \(shown)", error) }
            }
        }
        throw unusable("open \(shown)", .noSuchFile)
    }

    /// A symlink, another owner, write access for others, not the right
    /// kind of file: never used, never repaired (someone put it there).
    static func notRootsOwn(_ path: String) -> Failure {
        Failure("\(path) is not root's own plain \(path == directory ? "directory" : "file"), "
                + "refusing to count password tries there")
    }

    static func unusable(_ what: String, _ error: Errno) -> Failure {
        Failure("cannot count password tries (\(what): \(error.description))")
    }

    static func now() -> Int {
        var t = timespec()
        clock_gettime(CLOCK_BOOTTIME, &t)
        return Int(t.tv_sec)
    }
}
