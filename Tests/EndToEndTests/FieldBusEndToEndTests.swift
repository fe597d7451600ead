import Foundation
import Modbus
import Mosquitto
import TestSupport
import Testing

/// Modbus for the field: RTU over a socat pty pair with a dead unit on the bus, and links that break, answer late
/// or answer with exceptions.
struct FieldBusEndToEndTests {
    func states(_ subscriber: TestSubscriber, _ topic: String) -> [[String: Any]] {
        subscriber.messages(on: topic).compactMap { jsonObject($0.payload) }
    }

    @Test func rtuBusWithADeadUnitKeepsTheLiveUnitsPollRate() throws {
        let broker = TestBroker.shared
        let pty = try PtyPair()
        let server = try ModbusServer(serialDevice: pty.b, baud: 115_200, parity: "N", unit: 1)
        server.withRegisters { $0[1]!.set(.holding, address: 0, [1234, 0x4248, 0x0000]) }  // 1234, float32 50.0
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-rtu")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 1s
            ports:
              rs485-1: {device: \(pty.a), baud: 115200, parity: none, data_bits: 8, stop_bits: 1, turnaround: 2ms}
            devices:
              - id: live
                rtu: rs485-1
                unit: 1
                poll_interval: 100ms
                timeout: 200ms
                channels:
                  - {id: speed, register: 40001, type: uint16}
                  - {id: temp, register: 40002, type: float32}
              - id: dead
                rtu: rs485-1
                unit: 2
                poll_interval: 100ms
                timeout: 200ms
                degrade_after: 3
                degrade_for: 60s
                channels:
                  - {id: speed, table: holding, address: 0}
            """)
        let degraded = live.waitFor("otsentry/\(gateway)/dead/status", seconds: 10) {
            jsonObject($0.payload)?["state"] as? String == "degraded"
        }
        let error = try #require(degraded.flatMap { jsonObject($0.payload)?["error"] as? String }, "log:\n\(agent.log)")
        #expect(error.hasPrefix("no answer in 3 poll cycles in a row (last: read holding 0 (unit 2): timed out)"), "\(error)")
        let degradedAt = monotonicSeconds()

        // While the dead unit is degraded, the live one is polled at its full rate: 10 per second, within 10 %.
        let summaries = "otsentry/\(gateway)/live/summary"
        live.clear()
        #expect(waitUntil(seconds: 8) { live.messages(on: summaries).count >= 4 })
        let counts = live.messages(on: summaries).dropFirst().compactMap { jsonChannels($0)?["speed"]?["n"] as? Int }
        #expect(counts.count >= 3)
        for n in counts { #expect(n >= 9 && n <= 11, "live unit polled \(n) times in 1 s (counts \(counts))") }
        let last = try #require(live.messages(on: summaries).last.flatMap(jsonChannels))
        #expect(last["speed"]?["last"] as? Double == 1234)
        #expect(last["temp"]?["last"] as? Double == 50)
        #expect(last["speed"]?["q"] as? String == "good")
        // The dead unit publishes stale summaries, and is not retried before degrade_for.
        // The degraded unit is not read: its channels are stale (bad only in the interval where its reads failed).
        let dead = live.waitFor("otsentry/\(gateway)/dead/summary") { jsonChannels($0)?["speed"]?["q"] as? String == "stale" }
        #expect(dead.flatMap(jsonChannels)?["speed"]?["n"] as? Int == 0)
        #expect(monotonicSeconds() - degradedAt < 60)
        let status = try #require(live.waitFor("otsentry/\(gateway)/live/status") {
            (jsonObject($0.payload)?["polls"] as? Int ?? 0) > 20
        }.flatMap { jsonObject($0.payload) })
        #expect(status["state"] as? String == "online")
        #expect(status["errors"] as? Int == 0, "log:\n\(agent.log)")
        let rtt = try #require(status["rtt_ms"] as? [String: Any])
        #expect((rtt["p50"] as? Double ?? -1) >= 0 && (rtt["max"] as? Double ?? -1) >= (rtt["p50"] as? Double ?? 0))
        // Only read function codes ever went over the line.
        #expect(Set(server.functionCodeCounts.keys).isSubset(of: [3]))
        #expect(agent.child.isRunning)
    }

    @Test func aKilledPLCIsReconnectedWithinOneBackoffStepAfterItIsBack() throws {
        let broker = TestBroker.shared
        let port = FreePort.allocate()
        let demo = Executables.repositoryRoot + "/Boards/demo.yaml"
        var plc = try ChildProcess(Executables.otsentry, ["simulate", "--board", demo, "--listen", "127.0.0.1:\(port)"])
        #expect(waitUntil(seconds: 10) { FreePort.isListening(port) })
        let gateway = uniqueGateway("e2e-kill")
        let statusTopic = "otsentry/\(gateway)/press/status"
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 1s
            devices:
              - id: press
                tcp: 127.0.0.1:\(port)
                poll_interval: 50ms
                timeout: 300ms
                channels:
                  - {id: pressure, table: holding, address: 100, type: float32}
            """)
        #expect(live.waitFor(statusTopic) { jsonObject($0.payload)?["state"] as? String == "online" } != nil)
        plc.signal(SIGKILL)
        plc.wait(seconds: 5)
        #expect(live.waitFor(statusTopic) { jsonObject($0.payload)?["state"] as? String == "offline" } != nil)
        // Down for 2.2 s: the agent retries after 0.5, 1 and 2 s (0.5, 1.5 and 3.5 s after the loss), so the
        // next attempt after the restart is at most one step (2 s) later.
        sleepSeconds(2.2)
        live.clear()
        plc = try ChildProcess(Executables.otsentry, ["simulate", "--board", demo, "--listen", "127.0.0.1:\(port)"])
        defer { plc.terminate() }
        let restarted = monotonicSeconds()
        let online = live.waitFor(statusTopic, seconds: 10) { jsonObject($0.payload)?["state"] as? String == "online" }
        let delay = monotonicSeconds() - restarted
        #expect(online != nil, "log:\n\(agent.log)")
        #expect(delay <= 2.5, "reconnected \(delay) s after the PLC came back")
        #expect(online.flatMap { jsonObject($0.payload)?["reconnects"] as? Int } == 1)
        #expect(agent.child.isRunning)
    }

    @Test func lateAnswersAreFlushedAndNeverTakenForOtherRequests() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.withRegisters { maps in
            maps[1]!.set(.holding, address: 0, [111])
            maps[1]!.set(.holding, address: 50, [222])
        }
        let slow = SharedFlag(true)
        server.setHook { _ in slow.value ? .delay(nanoseconds: 180_000_000) : .reply }
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-late")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 500ms
            devices:
              - id: slow
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 100ms
                timeout: 100ms
                degrade_after: 1000
                max_gap: 0
                channels:
                  - {id: a, table: holding, address: 0}
                  - {id: b, table: holding, address: 50}
            """)
        let statusTopic = "otsentry/\(gateway)/slow/status"
        let timedOut = live.waitFor(statusTopic) { ($0.text).contains("timed out") }
        #expect(timedOut != nil, "log:\n\(agent.log)")
        sleepSeconds(1)
        slow.value = false
        let fast = monotonicSeconds()
        #expect(live.waitFor(statusTopic, seconds: 10) { jsonObject($0.payload)?["state"] as? String == "online" } != nil,
                "log:\n\(agent.log)")
        // The answer in flight behind a late one is drained too: without that, each request could read its
        // predecessor's answer, be refused, and the device stay offline for many cycles.
        #expect(monotonicSeconds() - fast < 3, "online again \(monotonicSeconds() - fast) s after answers were timely")
        // Once answers are timely again, every value read belongs to its own request: a is 111, b is 222, always.
        live.clear()
        #expect(waitUntil(seconds: 5) { live.messages(on: "otsentry/\(gateway)/slow/summary").count >= 3 })
        for message in live.messages(on: "otsentry/\(gateway)/slow/summary").dropFirst() {
            let channels = try #require(jsonChannels(message))
            #expect(channels["a"]?["min"] as? Double == 111 && channels["a"]?["max"] as? Double == 111, "\(channels)")
            #expect(channels["b"]?["min"] as? Double == 222 && channels["b"]?["max"] as? Double == 222, "\(channels)")
        }
        let status = try #require(live.waitFor(statusTopic).flatMap { jsonObject($0.payload) })
        #expect((status["timeouts"] as? Int ?? 0) > 0)
    }

    @Test func everyExceptionCodeIsReportedByNameAndTheAgentKeepsRunning() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        let counter = SharedCounter()
        let codes = ModbusException.allKnown
        server.setHook { _ in .exception(codes[counter.next() % codes.count]) }
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-exceptions")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 1s
            devices:
              - id: picky
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 50ms
                timeout: 200ms
                degrade_after: 1000
                channels:
                  - {id: a, table: input, address: 3}
            """)
        let statusTopic = "otsentry/\(gateway)/picky/status"
        let seen = {
            Set(live.messages(on: statusTopic).compactMap { jsonObject($0.payload)?["error"] as? String })
        }
        let all = waitUntil(seconds: 15) {
            codes.allSatisfy { e in seen().contains("read input 3 (unit 1): exception \(e.code) \(e.name)") }
        }
        #expect(all, "seen: \(seen().sorted())")
        #expect(agent.child.isRunning)
        for e in codes { #expect(agent.log.contains("exception \(e.code) \(e.name)")) }
    }
}

/// A flag shared with a server hook.
final class SharedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Bool
    init(_ value: Bool) { self.stored = value }
    var value: Bool {
        get { self.lock.withLock { self.stored } }
        set { self.lock.withLock { self.stored = newValue } }
    }
}

final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int { self.lock.withLock { defer { self.count += 1 }; return self.count } }
}
