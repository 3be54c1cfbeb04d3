// exit.swift: the cost of starting any Swift program built the way the
// runas core is (Embedded Swift: no runtime, libc only): the bench's
// reference row next to C's exit(0).
print("", terminator: "")
