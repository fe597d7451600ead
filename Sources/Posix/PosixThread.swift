import CPosix
import Glibc

/// A kernel thread for blocking work (libmodbus I/O, server loops), outside Swift's cooperative pool.
///
/// The body runs once; ``join()`` waits for it. The thread's name (at most 15 bytes) shows in `top -H` and
/// `/proc/PID/task/*/comm`.
public final class PosixThread: @unchecked Sendable {
    private var handle: pthread_t = 0
    private var joined = false

    private final class Start {
        let name: String
        let body: () -> Void
        init(name: String, body: @escaping () -> Void) {
            self.name = name
            self.body = body
        }
    }

    /// Starts `body` on a new thread. Traps only if the system cannot create a thread at all (start-up only).
    public init(name: String, _ body: @escaping @Sendable () -> Void) {
        let start = Unmanaged.passRetained(Start(name: name, body: body)).toOpaque()
        let rc = pthread_create(&self.handle, nil, { raw in
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            cposix_set_thread_name(start.name)
            start.body()
            return nil
        }, start)
        precondition(rc == 0, "pthread_create failed: \(rc)")
    }

    /// Waits for the body to return. Calling it twice is harmless.
    public func join() {
        guard !self.joined else { return }
        self.joined = true
        pthread_join(self.handle, nil)
    }

    /// Waits at most `nanoseconds` for the body to return; false when it is still running (the thread is then
    /// left to the process exit).
    @discardableResult
    public func join(timeoutNanoseconds nanoseconds: Int64) -> Bool {
        guard !self.joined else { return true }
        if cposix_timed_join(self.handle, nanoseconds) == 0 {
            self.joined = true
            return true
        }
        return false
    }
}
