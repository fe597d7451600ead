import Glibc

/// Milliseconds since the Unix epoch (`CLOCK_REALTIME`), for timestamps in payloads and logs.
public enum WallClock {
    @inlinable
    public static func nowMilliseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1000 &+ Int64(ts.tv_nsec) / 1_000_000
    }
}
