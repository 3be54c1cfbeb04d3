// exit.swift: the cost of starting any Swift program linked the way the
// runas core is (-static-stdlib): the runtime's own start-up (bench
// reference row).
print("", terminator: "")
