import CPosix
import Glibc
import Synchronization

/// A one-way "stop now" flag that sleeping threads can wait on: ``wait(untilMonotonic:)`` returns early as
/// soon as ``fire()`` is called. Backed by an eventfd, so the wait is a single `ppoll`.
public final class StopSignal: Sendable {
    private let fd: Int32
    private let fired = Atomic<Bool>(false)

    public init() {
        self.fd = cposix_eventfd()
        precondition(self.fd >= 0, "eventfd failed: errno \(errno)")
    }

    deinit { close(self.fd) }

    public var isFired: Bool { self.fired.load(ordering: .acquiring) }

    public func fire() {
        guard !self.fired.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var one: UInt64 = 1
        _ = write(self.fd, &one, 8)
    }

    /// Sleeps until the monotonic deadline (``MonotonicClock``) or until fired. Returns true when fired.
    @discardableResult
    public func wait(untilMonotonic deadline: Int64) -> Bool {
        while !self.isFired {
            let remaining = deadline - MonotonicClock.now()
            if remaining <= 0 { return false }
            _ = cposix_wait_readable(self.fd, remaining)
        }
        return true
    }

    /// Sleeps for `nanoseconds` or until fired. Returns true when fired.
    @discardableResult
    public func wait(nanoseconds: Int64) -> Bool {
        self.wait(untilMonotonic: MonotonicClock.now() + nanoseconds)
    }
}
