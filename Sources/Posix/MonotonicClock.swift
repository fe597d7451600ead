import Glibc

/// Nanoseconds of `CLOCK_MONOTONIC`: never jumps with wall-clock changes, so it orders samples and schedules polls.
public enum MonotonicClock {
    @inlinable
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec)
    }

    /// The same clock in seconds.
    public static func seconds() -> Double {
        Double(self.now()) / 1e9
    }

    /// Sleeps the calling thread (no early wake-up; see ``StopSignal`` for an interruptible wait).
    public static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var remaining = timespec()
        while nanosleep(&request, &remaining) == -1 && errno == EINTR { request = remaining }
    }
}
