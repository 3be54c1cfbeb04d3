// EditSession.swift: runas -e FILE... (runasedit), once the caller has been
// admitted and authenticated. sudoedit's three steps:
//   1. every file is read with the target's rights (EditFiles.swift says
//      how it is reached) and copied, with the caller's rights, into a new
//      directory only the caller can enter (mode 0700 in
//      runas_build_edit_temp_dir), as mode 0600 files owned by the caller
//      with the original's name (so its suffix), "2-name" for a second
//      file of the same name;
//   2. the caller's editor runs on the copies as the caller, never as
//      root, with the caller's environment as runas got it;
//   3. each copy that differs from the original is written back with the
//      target's rights (EditWriteBack.swift); the copies are removed, but
//      a copy whose edits could not be written stays, and runas says where.
//      Signals that would end or stop runas are held meanwhile (from the
//      editor's end to runas's exit, edit_signals.c): the file being
//      written is finished, none after it is written (their copies are
//      named), and then the signal acts.
// Nothing runs as the target, so no backend is involved. Any file that
// cannot be read stops the run before anything is copied or run. (enter:
// what -e does from step 4 of Runas.run on, before these three steps.)
import CRunasBuildConfig
import CRunasLibc
import CRunasSupport
import SystemEdge

enum EditSession {
    /// One file being edited.
    struct Item {
        var path: EditPath
        /// The contents as read; nil for a file that did not exist.
        var original: [UInt8]?
        var fingerprint: Fingerprint?
        /// The copy's name in the session's directory.
        var copyName: [UInt8] = []
    }

    /// -e from step 4 on: the paths and the editor are checked before the
    /// password is asked (the files only for being on proc, sysfs and such),
    /// then the session runs; returns the exit status.
    static func enter(
        _ options: Options, caller: Account, target: Policy.Target, tty: String?, cwd: [UInt8], environment: [[UInt8]]
    ) throws(Failure) -> Int32 {
        var paths: [EditPath] = []
        for file in options.command {
            // A relative path needs the real working directory, not the "/"
            // a command falls back to when it cannot be found.
            if file.first != UInt8(ascii: "/") && WorkingDirectory.current() == nil {
                let error = Errno.current
                throw Failure("\(visible(file)): the working directory cannot be found (\(error.description)): "
                    + "give the file's full path")
            }
            let path = try EditPath(file, cwd: cwd)
            if paths.contains(where: { $0.directories == path.directories && $0.name == path.name }) {
                throw Failure("\(visible(file)): given twice")
            }
            paths.append(path)
        }
        // Kernel interfaces (proc, sysfs) are no files to edit: said before
        // the password, looked up with the caller's own rights.
        try ActingIdentity.acting(as: Identity.caller()) { () throws(Failure) in
            for path in paths { try EditFiles.requireNoKernelInterface(path) }
        }
        let editor = try EditorCommand.choose(environment: environment)
        // Nothing runs as the target: no PAM session. (Its own scope, so
        // that the login is finished and released here, before the session,
        // not when runas returns from it.)
        do {
            let login = try Runas.authenticate(options, caller: caller, target: target, tty: tty,
                                               staysWithCaller: true, session: false, environment: environment)
            login.finish()
        }
        SystemLog.success()
        return try run(paths, target: target.credentials, editor: editor, environment: environment)
    }

    /// The session (the three steps above); returns the exit status. What
    /// stops it before anything is written back is thrown, for runas to
    /// refuse once.
    static func run(
        _ paths: [EditPath], target: Identity, editor: EditorCommand, environment: [[UInt8]]
    ) throws(Failure) -> Int32 {
        let caller = Identity.caller()
        let callerIsRoot = caller.uid == 0
        // The caller's file size limit stays: a copy or a file beyond it is
        // not written (EFBIG, told), instead of runas being killed mid-write.
        runas_edit_ignore_file_size_signal()
        var items: [Item] = []
        for path in paths {
            let chain = try openChecked(path, target: target, callerIsRoot: callerIsRoot)
            let read = try ActingIdentity.acting(as: target) { () throws(Failure) in try EditFiles.read(path, in: chain) }
            items.append(Item(path: path, original: read?.0, fingerprint: read?.1))
        }
        let directory = try ActingIdentity.acting(as: caller) { () throws(Failure) in try makeCopies(&items) }
        func copyPath(_ item: Item) -> [UInt8] { directory + [UInt8(ascii: "/")] + item.copyName }

        // 2. The editor, as the caller.
        let status: WaitStatus
        do throws(Failure) {
            status = try runEditor(editor, files: items.map(copyPath), environment: environment)
        } catch {
            try? ActingIdentity.acting(as: caller) { () throws(Failure) in
                for item in items { remove(copyPath(item)) }
                remove(directory, isDirectory: true)
            }
            throw error
        }

        // 3. Back into the real files.
        var ok = true
        if status != .exited(0) {
            printError("the editor \(describe(status)): nothing was written")
            ok = false
        }
        for item in items {
            let path = visible(item.path.typed), copy = copyPath(item)
            let edited: [UInt8]?
            do throws(Failure) {
                edited = try ActingIdentity.acting(as: caller) { () throws(Failure) in try readCopy(copy) }
            } catch {
                report("\(path) not written: \(error.message)")
                ok = false
                continue
            }
            var keep = false
            if item.original != nil, edited == nil {
                if status == .exited(0) { printError("\(path) not written: its copy \(visible(copy)) was removed") }
                ok = false
            } else if edited == nil || edited! == (item.original ?? []) {
                // Nothing new (an empty new file is not created).
                if status == .exited(0) {
                    printError(item.original == nil ? "\(path) not created (nothing was saved)" : "\(path) unchanged")
                }
            } else if status != .exited(0) {
                report("your edits of \(path) are in \(visible(copy))")
                keep = true
            } else if let signal = heldSignal() {
                report("cannot write \(path): runas got signal \(signal); it is as it was, your edits are in \(visible(copy))")
                keep = true
            } else {
                switch writeBack(edited!, item, target: target, callerIsRoot: callerIsRoot) {
                case .written: break
                case .notWritten(let why):
                    report("cannot write \(path): \(why); it is as it was, your edits are in \(visible(copy))")
                    keep = true
                case .damaged(let why):
                    report("writing \(path) failed part-way (\(why)): it may be damaged; your edits are in \(visible(copy))")
                    keep = true
                }
            }
            if keep {
                ok = false
            } else {
                try? ActingIdentity.acting(as: caller) { () throws(Failure) in remove(copy) }
            }
        }
        try? ActingIdentity.acting(as: caller) { () throws(Failure) in remove(directory, isDirectory: true) }
        runas_edit_signals_release()
        return ok ? 0 : 1
    }

    /// A signal held since the editor ended that asks runas to end: no
    /// file is written after it.
    static func heldSignal() -> Int32? {
        let signal = runas_edit_signals_pending()
        return signal == 0 ? nil : signal
    }

    /// A copy kept (not written back): told, and logged.
    static func report(_ message: String) {
        SystemLog.note(message, priority: LOG_WARNING)
        printError(message)
    }

    /// The path's directories, opened as the target and checked against
    /// the caller: the kernel's access check (faccessat) uses the real ids
    /// and this process's groups, which are the caller's outside `acting`.
    /// Root may write everywhere; its own edits are not checked.
    static func openChecked(_ path: EditPath, target: Identity, callerIsRoot: Bool) throws(Failure) -> OpenDirectories {
        let chain = try ActingIdentity.acting(as: target) { () throws(Failure) in try EditFiles.openDirectories(path) }
        if !callerIsRoot { try EditFiles.requireNotWritableByCaller(chain, path, caller: Identity.caller()) }
        return chain
    }

    static func writeBack(_ data: [UInt8], _ item: Item, target: Identity, callerIsRoot: Bool) -> WriteBack.Outcome {
        // The path is walked and checked again: it may have changed meanwhile.
        do throws(Failure) {
            let chain = try openChecked(item.path, target: target, callerIsRoot: callerIsRoot)
            return try ActingIdentity.acting(as: target) { () throws(Failure) in
                WriteBack.write(data, to: item.path, in: chain, original: item.fingerprint)
            }
        } catch {
            let prefix = visible(item.path.typed) + ": "
            return .notWritten(error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message)
        }
    }

    /// Step 1's second half, as the caller: the directory and the copies.
    static func makeCopies(_ items: inout [Item]) throws(Failure) -> [UInt8] {
        var template = Array(String(cString: runas_build_edit_temp_dir()).utf8) + Array("/runasedit.XXXXXX".utf8) + [0]
        let made = template.withUnsafeMutableBufferPointer {
            mkdtemp(UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self)) != nil
        }
        guard made else {
            throw Failure("cannot make a directory for the copies in \(String(cString: runas_build_edit_temp_dir())): \(Errno.current.description)")
        }
        let directory = Array(template.dropLast())
        _ = (directory + [0]).withUnsafeBufferPointer { chmod(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), 0o700) }
        var used: [[UInt8]] = []
        for i in items.indices {
            var name = items[i].path.name
            var n = 2
            while used.contains(name) {
                name = Array(String(n).utf8) + [UInt8(ascii: "-")] + items[i].path.name
                n += 1
            }
            used.append(name)
            items[i].copyName = name
            let path = directory + [UInt8(ascii: "/")] + name
            let file: FileDescriptor
            do throws(Errno) {
                file = try FileDescriptor.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY, permissions: 0o600)
            } catch {
                for made in used.dropLast() { remove(directory + [UInt8(ascii: "/")] + made) }
                remove(directory, isDirectory: true)
                throw Failure("cannot make the copy \(visible(path)): \(error.description)")
            }
            _ = fchmod(file.rawValue, 0o600)
            do throws(Errno) {
                try WriteBack.writeAll(file, items[i].original ?? [], from: 0)
            } catch {
                for made in used { remove(directory + [UInt8(ascii: "/")] + made) }
                remove(directory, isDirectory: true)
                throw Failure("cannot write the copy \(visible(path)): \(error.description)")
            }
        }
        return directory
    }

    /// The edited copy, read as the caller; nil if the editor removed it.
    static func readCopy(_ path: [UInt8]) throws(Failure) -> [UInt8]? {
        let file: FileDescriptor
        do throws(Errno) { file = try FileDescriptor.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY) } catch {
            if error == .noSuchFile { return nil }
            throw Failure("cannot read your copy \(visible(path)): \(error.description)")
        }
        let p = try EditPath(path, cwd: [])
        _ = try EditFiles.fileKind(file, p)
        guard let data = try EditFiles.readAll(file, p) else {
            throw Failure("your copy \(visible(path)) is larger than \(EditFiles.sizeLimit >> 20) MiB")
        }
        return data
    }

    static func remove(_ path: [UInt8], isDirectory: Bool = false) {
        _ = (path + [0]).withUnsafeBufferPointer {
            unlinkat(AT_FDCWD, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self),
                     isDirectory ? AT_REMOVEDIR : 0)
        }
    }

    /// Runs the editor on `files` as the caller and waits for it.
    static func runEditor(_ editor: EditorCommand, files: [[UInt8]], environment: [[UInt8]]) throws(Failure) -> WaitStatus {
        let candidates = CStringArray(editor.candidates)
        let argv = CStringArray(editor.words + files)
        let envp = CStringArray(environment)
        let pid = runas_spawn_editor(UnsafeRawPointer(candidates.pointers).assumingMemoryBound(to: UnsafePointer<CChar>?.self),
                                     argv.pointers, envp.pointers)
        guard pid > 0 else {
            let error = Errno.current
            let named = visible(editor.words[0]) + (editor.source.map { " (from \($0))" } ?? "")
            if error == .noSuchFile { throw Failure("editor \(named) not found: nothing was edited") }
            throw Failure("cannot run the editor \(named): \(error.description)")
        }
        var status: Int32 = 0
        guard runas_wait_for_editor(pid, &status) == 0 else {
            throw Failure("cannot wait for the editor: \(Errno.current.description)")
        }
        return WaitStatus(status)
    }

    static func describe(_ status: WaitStatus) -> String {
        switch status {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let sig, _): "was killed by signal \(sig)"
        case .stopped(let sig): "stopped (signal \(sig))"
        case .other(let raw): "ended oddly (status \(raw))"
        }
    }
}
