import Glibc

/// The systemd service-manager protocol (`sd_notify`), spoken directly: one datagram per message on the
/// `AF_UNIX` socket named by `$NOTIFY_SOCKET` (a path, or an abstract name written with a leading `@`), so no
/// libsystemd is linked. Without `$NOTIFY_SOCKET` (not started by systemd with `Type=notify`) every call does
/// nothing. `$WATCHDOG_USEC` (set with `WatchdogSec=`, for this process when `$WATCHDOG_PID` is absent or ours)
/// gives the watchdog period; keep-alives should be sent at least twice per period.
public final class ServiceNotifier: @unchecked Sendable {
    private let fd: Int32
    private var address = sockaddr_un()
    private let addressLength: socklen_t
    /// The watchdog period in nanoseconds, 0 when the watchdog is off.
    public let watchdogNanoseconds: Int64

    public init(environment: (String) -> String? = { name in getenv(name).map { String(cString: $0) } }) {
        var period: Int64 = 0
        if let text = environment("WATCHDOG_USEC"), let usec = Int64(text), usec > 0 {
            let pid = environment("WATCHDOG_PID").flatMap { Int32($0) }
            if pid == nil || pid == getpid() { period = usec * 1000 }
        }
        self.watchdogNanoseconds = period
        guard let path = environment("NOTIFY_SOCKET"), path.utf8.count >= 2,
              path.utf8.first == UInt8(ascii: "/") || path.utf8.first == UInt8(ascii: "@")
        else {
            self.fd = -1
            self.addressLength = 0
            return
        }
        var bytes = Array(path.utf8)
        if bytes[0] == UInt8(ascii: "@") { bytes[0] = 0 }  // abstract namespace
        let capacity = MemoryLayout.size(ofValue: self.address.sun_path)
        guard bytes.count < capacity else {
            self.fd = -1
            self.addressLength = 0
            return
        }
        self.address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &self.address.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        self.addressLength = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes[0] == 0 ? 0 : 1))
        self.fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    deinit { if self.fd >= 0 { close(self.fd) } }

    /// True when started by a service manager that listens (`Type=notify`).
    public var isActive: Bool { self.fd >= 0 }

    /// Sends newline-separated `KEY=value` assignments (`READY=1`, `STATUS=…`, `WATCHDOG=1`, `STOPPING=1`).
    /// Returns false when not active or the send failed (never fatal: the agent works without a manager).
    @discardableResult
    public func send(_ state: String) -> Bool {
        guard self.fd >= 0 else { return false }
        var text = state
        let sent = text.withUTF8 { bytes in
            withUnsafePointer(to: &self.address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { addr in
                    sendto(self.fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL), addr, self.addressLength)
                }
            }
        }
        return sent == state.utf8.count
    }
}
