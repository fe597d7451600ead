import Glibc

/// Polls `condition` every 10 ms until it holds or `seconds` pass; returns whether it held.
@discardableResult
public func waitUntil(seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = monotonicSeconds() + seconds
    while monotonicSeconds() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

public func sleepSeconds(_ s: Double) {
    usleep(UInt32(s * 1e6))
}
