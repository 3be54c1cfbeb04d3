// EditPath.swift: a file to edit, as the caller named it and as its
// components from "/". A relative name starts from the working directory.
// A name with ".." is refused, and so is one that can only be a directory
// ("dir/", "."), before anything is opened; EditFiles.swift walks the rest.

/// A path as given (for messages), and its components from "/".
struct EditPath {
    let typed: [UInt8]
    let directories: [[UInt8]]
    let name: [UInt8]

    init(_ typed: [UInt8], cwd: [UInt8]) throws(Failure) {
        self.typed = typed
        let slash = UInt8(ascii: "/")
        if typed.isEmpty { throw Failure("an empty name is no file to edit") }
        let full = typed.first == slash ? typed : cwd + [slash] + typed
        let parts = full.split(separator: slash).map { Array($0) }.filter { $0 != Array(".".utf8) }
        if parts.contains(Array("..".utf8)) {
            throw Failure("\(visible(typed)): a file to edit is named without '..'")
        }
        // "dir/", "dir/." and "." name a directory, whatever comes before.
        let lastTyped = typed.split(separator: slash).last.map { Array($0) } ?? []
        guard let last = parts.last, typed.last != slash, lastTyped != Array(".".utf8) else {
            throw Failure("\(visible(typed)): is a directory")
        }
        directories = Array(parts.dropLast())
        name = last
    }

    /// "/a/b" for the first `count` directories.
    func directoryPath(_ count: Int) -> [UInt8] {
        count == 0 ? Array("/".utf8) : Array(directories.prefix(count).map { [UInt8(ascii: "/")] + $0 }.joined())
    }

    func failure(_ what: String) -> Failure { Failure("\(visible(typed)): \(what)") }
}
