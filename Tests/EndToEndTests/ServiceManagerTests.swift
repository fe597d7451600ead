import Foundation
import Modbus
import TestSupport
import Testing

/// The systemd notify protocol as the unit uses it (`Type=notify`, `WatchdogSec=`): the test plays the service
/// manager on a datagram socket of its own, given to the agent in `$NOTIFY_SOCKET`.
struct ServiceManagerTests {
    /// A bound `AF_UNIX` datagram socket collecting what the agent sends.
    final class NotifySocket {
        let path: String
        let fd: Int32

        init(path: String) throws {
            self.path = path
            self.fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            guard self.fd >= 0 else { throw TestFailure("socket: errno \(errno)") }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (i, b) in path.utf8.enumerated() { raw[i] = b }
            }
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard bound == 0 else { throw TestFailure("bind \(path): errno \(errno)") }
            var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
            setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(self.fd) }

        /// Messages received within `seconds` (stops early once `until` holds for the list so far).
        func receive(seconds: Double, until: ([String]) -> Bool = { _ in false }) -> [String] {
            var messages: [String] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline && !until(messages) {
                let n = recv(self.fd, &buffer, buffer.count, 0)
                if n > 0 { messages.append(String(decoding: buffer[0..<n], as: UTF8.self)) }
            }
            return messages
        }
    }

    /// One device, one register, polled every 100 ms (the status suite's board).
    func board(_ gateway: String, broker: TestBroker, port: Int) -> String {
        StatusEndToEndTests().board(gateway, broker: broker, port: port, poll: "100ms")
    }

    @Test func readyOnceAgentPollsThenWatchdogKeepAlivesReloadingAndStopping() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-notify")
        let directory = TemporaryDirectory(prefix: "otsentry-notify")
        let manager = try NotifySocket(path: directory.file("notify"))
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: self.board(gateway, broker: broker, port: server.port),
                                     environment: ["NOTIFY_SOCKET": manager.path, "WATCHDOG_USEC": "2000000"])

        // READY=1 first, with a status line; then keep-alives at least twice per 2 s period.
        let first = manager.receive(seconds: 10) { !$0.isEmpty }
        let ready = try #require(first.first, "no notification; agent log:\n\(agent.log)")
        #expect(ready.split(separator: "\n").contains("READY=1"))
        #expect(ready.contains("STATUS=polling 1 devices"))
        #expect(live.waitFor("otsentry/\(gateway)/plc/summary") != nil, "agent log:\n\(agent.log)")
        let keepAlives = manager.receive(seconds: 3.2).filter { $0 == "WATCHDOG=1" }
        #expect(keepAlives.count >= 3, "\(keepAlives)")

        // SIGHUP: RELOADING=1, then READY=1 again once the board is applied.
        agent.child.signal(SIGHUP)
        let reload = manager.receive(seconds: 5) { $0.contains { $0.hasPrefix("READY=1") } }
        let reloading = try #require(reload.firstIndex(of: "RELOADING=1"), "\(reload)")
        #expect(reload[(reloading + 1)...].contains { $0.hasPrefix("READY=1") }, "\(reload)")

        // SIGTERM: STOPPING=1, exit 0.
        agent.child.signal(SIGTERM)
        let stopping = manager.receive(seconds: 5) { $0.contains("STOPPING=1") }
        #expect(stopping.contains("STOPPING=1"), "\(stopping)")
        #expect(agent.child.wait(seconds: 10) == 0)
    }

    @Test func withoutNotifySocketNothingIsSentAndTheAgentRuns() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-nonotify")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        // A watchdog period without a socket (or for another PID) must not break anything.
        let agent = try AgentProcess(board: self.board(gateway, broker: broker, port: server.port),
                                     environment: ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"])
        #expect(live.waitFor("otsentry/\(gateway)/plc/summary") != nil, "agent log:\n\(agent.log)")
        agent.child.signal(SIGTERM)
        #expect(agent.child.wait(seconds: 10) == 0)
        #expect(!agent.log.contains("stuck"))
    }
}
