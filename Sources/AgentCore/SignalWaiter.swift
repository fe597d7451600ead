import Glibc

/// Process signals handled synchronously: SIGTERM, SIGINT and SIGHUP are blocked in every thread (call
/// ``blockHandledSignals()`` before starting any thread, so that they inherit the mask) and taken by
/// ``wait(timeoutNanoseconds:)`` on the main thread. SIGPIPE is ignored: a broken socket then fails with EPIPE.
public enum SignalWaiter {
    public static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    public static func blockHandledSignals() {
        signal(SIGPIPE, SIG_IGN)
        var set = self.makeSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    /// The signal received, or nil after the timeout.
    public static func wait(timeoutNanoseconds: Int64) -> Int32? {
        var set = self.makeSet()
        var ts = timespec(tv_sec: Int(timeoutNanoseconds / 1_000_000_000),
                          tv_nsec: Int(timeoutNanoseconds % 1_000_000_000))
        let sig = sigtimedwait(&set, nil, &ts)
        return sig > 0 ? sig : nil
    }

    private static func makeSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for s in self.handled { sigaddset(&set, s) }
        return set
    }

    public static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGTERM: "SIGTERM"
        case SIGINT: "SIGINT"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
