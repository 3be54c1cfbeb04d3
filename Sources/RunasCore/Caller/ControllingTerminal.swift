// ControllingTerminal.swift: which terminal runas was started from, for the
// log's TTY= and PAM_TTY. A terminal on stdin, stdout or stderr names it;
// with all three redirected the controlling terminal still exists (runas
// prompts on /dev/tty then), and its name comes from the tty_nr field of
// /proc/self/stat, matched to a device node, as sudo finds it.
import CRunasLibc
import SystemEdge

enum ControllingTerminal {
    /// "/dev/pts/3", or nil when runas has no terminal at all.
    static func name() -> String? {
        for fd: Int32 in [0, 1, 2] {
            if let name = ttyname(fd) { return String(cString: name) }
        }
        guard isPresent(), let device = deviceNumber() else { return nil }
        let major = (device >> 8) & 0xfff, minor = (device & 0xff) | ((device >> 12) & 0xfff00)
        // Unix98 pseudo-terminals: majors 136-143, /dev/pts/N.
        if (136...143).contains(major) {
            let path = "/dev/pts/\((major - 136) * 256 + minor)"
            if isCharacterDevice(path, major: major, minor: minor) { return path }
        }
        for directory in ["/dev", "/dev/pts"] {
            if let path = search(directory, major: major, minor: minor) { return path }
        }
        return nil
    }

    /// Whether this process has a controlling terminal (/dev/tty opens).
    static func isPresent() -> Bool {
        (try? FileDescriptor.open("/dev/tty", O_RDWR | O_NOCTTY)) != nil
    }

    /// tty_nr, the 7th field of /proc/self/stat (after "pid (comm)").
    static func deviceNumber() -> UInt32? {
        guard let file = try? FileDescriptor.open("/proc/self/stat", O_RDONLY),
              let bytes = try? file.readAll(limit: 4096) else { return nil }
        return ttyField(ofStat: bytes)
    }

    /// The tty_nr field of a /proc/PID/stat text; the command name may hold
    /// spaces and parentheses, so fields are counted after the last ")".
    static func ttyField(ofStat bytes: [UInt8]) -> UInt32? {
        guard let close = bytes.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "))
        // state, ppid, pgrp, session, tty_nr
        guard fields.count > 4, let value = Int64(String(decoding: fields[4], as: UTF8.self)),
              value > 0, value <= Int64(UInt32.max) else { return nil }
        return UInt32(value)
    }

    static func isCharacterDevice(_ path: String, major: UInt32, minor: UInt32) -> Bool {
        guard let st = try? FileStatus.of(path, followingSymlinks: false), st.isCharacterDevice else { return false }
        // glibc's dev_t layout (major(3), minor(3) are macros Swift cannot call).
        let rdev = UInt64(st.raw.st_rdev)
        let devMajor = UInt32(truncatingIfNeeded: ((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~UInt64(0xfff)))
        let devMinor = UInt32(truncatingIfNeeded: (rdev & 0xff) | ((rdev >> 12) & ~UInt64(0xff)))
        return devMajor == major && devMinor == minor
    }

    static func search(_ directory: String, major: UInt32, minor: UInt32) -> String? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") || name == "tty" || name == "console" { continue }
            let path = directory + "/" + name
            if isCharacterDevice(path, major: major, minor: minor) { return path }
        }
        return nil
    }
}
