import Glibc

/// Nanoseconds of `CLOCK_MONOTONIC`: never jumps with wall-clock changes, so it orders samples and schedules polls.
public enum MonotonicClock {
    @inlinable
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }
}
