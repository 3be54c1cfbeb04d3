"""README's steps and the Debian packages where people run runas: Debian 13
with swift.org's Swift, sid with Debian's own swiftlang, in booted
containers."""
TIER = "platform"
