import CPosix
import Glibc

/// A reusable wake-up for a thread that sleeps between batches of work: ``signal()`` from any thread ends the
/// current or next ``wait(nanoseconds:)``. Backed by an eventfd.
public final class WakeSignal: Sendable {
    private let fd: Int32

    public init() {
        self.fd = cposix_eventfd()
        precondition(self.fd >= 0, "eventfd failed: errno \(errno)")
    }

    deinit { close(self.fd) }

    public func signal() {
        var one: UInt64 = 1
        _ = write(self.fd, &one, 8)
    }

    /// Sleeps up to `nanoseconds` or until signalled; clears the signal.
    public func wait(nanoseconds: Int64) {
        if cposix_wait_readable(self.fd, max(0, nanoseconds)) == 1 {
            var value: UInt64 = 0
            _ = read(self.fd, &value, 8)
        }
    }
}
