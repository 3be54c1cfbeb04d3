// MonotonicClock.swift: time that only moves forward (CLOCK_MONOTONIC), for
// deadlines: a prompt's timeout, how long --check waits for a program.
import CRunasLibc

public enum MonotonicClock {
    /// Milliseconds since an arbitrary start (boot); only differences mean anything.
    public static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
