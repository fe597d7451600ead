import Foundation
import Modbus
import Mosquitto
import TestSupport
import Testing

/// Reload (SIGHUP), snapshots across restarts, and a damaged spool at start-up.
struct StateAndReloadTests {
    /// A register that moves like a sensor: 1000 ± a few counts, updated every 20 ms until `stop`.
    final class NoisyRegister: @unchecked Sendable {
        let server: ModbusServer
        private let lock = NSLock()
        private var spike = false
        private var running = true
        private var thread: Thread?

        init(_ server: ModbusServer) {
            self.server = server
            self.thread = Thread { [self] in
                var state: UInt64 = 12345
                while self.lock.withLock({ self.running }) {
                    state = state &* 6_364_136_223_846_793_005 &+ 1
                    let noise = Int(state >> 61)  // 0…7
                    let value = self.lock.withLock { self.spike } ? 1400 : 996 + noise
                    server.withRegisters { $0[1]!.set(.holding, address: 0, [UInt16(value)]) }
                    Thread.sleep(forTimeInterval: 0.02)
                }
            }
            self.thread?.start()
        }

        func setSpike(_ on: Bool) { self.lock.withLock { self.spike = on } }
        func stop() { self.lock.withLock { self.running = false } }
    }

    func board(_ gateway: String, broker: TestBroker, plc: Int, extraChannel: Bool = false) -> String {
        """
        gateway: \(gateway)
        mqtt: {url: "\(broker.url)"}
        summary_interval: 1s
        devices:
          - id: plc
            tcp: 127.0.0.1:\(plc)
            poll_interval: 50ms
            timeout: 200ms
            channels:
              - {id: level, table: holding, address: 0, detectors: {spike: {}}}
        \(extraChannel ? "      - {id: added, table: holding, address: 10, detectors: {}}" : "")
        """
    }

    func opens(_ s: TestSubscriber, _ gateway: String) -> [[String: Any]] {
        s.messages(on: "otsentry/\(gateway)/alerts").compactMap { jsonObject($0.payload) }
            .filter { $0["state"] as? String == "open" }
    }

    @Test(.timeLimit(.minutes(2)))
    func sighupRejectsAnInvalidBoardAndAppliesAValidOneKeepingDetectorState() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let noise = NoisyRegister(server)
        defer { noise.stop() }
        let gateway = uniqueGateway("e2e-reload")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: self.board(gateway, broker: broker, plc: server.port))
        // Past the statistical detectors' warm-up: a full window of 128 samples and 100 calibrated values, about
        // 230 samples (11.5 s at 50 ms).
        sleepSeconds(13)
        #expect(self.opens(live, gateway).isEmpty)

        // An invalid board: rejected with its diagnostics; the agent goes on with the old one.
        try "gateway: [oops".write(toFile: agent.boardPath, atomically: true, encoding: .utf8)
        agent.child.signal(SIGHUP)
        #expect(waitUntil(seconds: 5) { agent.log.contains("reload rejected") }, "log:\n\(agent.log)")
        #expect(agent.log.contains("error \(agent.boardPath):2:1: error: did not find expected"))
        let seqBefore = live.messages(on: "otsentry/\(gateway)/plc/summary").count
        sleepSeconds(2.2)
        #expect(live.messages(on: "otsentry/\(gateway)/plc/summary").count >= seqBefore + 2, "still publishing")

        // A changed board: a new channel appears; the unchanged one keeps its learnt state (no new warm-up).
        try self.board(gateway, broker: broker, plc: server.port, extraChannel: true)
            .write(toFile: agent.boardPath, atomically: true, encoding: .utf8)
        agent.child.signal(SIGHUP)
        #expect(waitUntil(seconds: 5) { agent.log.contains("reloaded") }, "log:\n\(agent.log)")
        #expect(agent.log.contains("channels_kept=1"))
        #expect(live.waitFor("otsentry/\(gateway)/plc/summary") { jsonChannels($0)?["added"] != nil } != nil)
        sleepSeconds(1)
        #expect(self.opens(live, gateway).isEmpty, "no alert from re-learning; log:\n\(agent.log)")
        noise.setSpike(true)
        let spike = live.waitFor("otsentry/\(gateway)/alerts", seconds: 3) { jsonObject($0.payload)?["state"] as? String == "open" }
        #expect(spike != nil, "a detector that had to warm up again would stay silent for 5 s")
        #expect(agent.child.isRunning)
    }

    @Test(.timeLimit(.minutes(2)))
    func aRestartResumesFromTheSnapshot() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let noise = NoisyRegister(server)
        defer { noise.stop() }
        let gateway = uniqueGateway("e2e-snapshot")
        let state = TemporaryDirectory()
        let text = self.board(gateway, broker: broker, plc: server.port)
        let first = try AgentProcess(board: text, stateDirectory: state.path)
        sleepSeconds(13)  // past the warm-up (about 230 samples at 50 ms): the snapshot holds a learnt channel
        first.child.signal(SIGTERM)
        #expect(first.child.wait(seconds: 6) == 0)
        #expect(FileManager.default.fileExists(atPath: state.path + "/snapshot"))

        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let second = try AgentProcess(board: text, stateDirectory: state.path)
        #expect(waitUntil(seconds: 5) { second.log.contains("detector state restored from the snapshot") }, "log:\n\(second.log)")
        #expect(second.log.contains("channels=1"))
        sleepSeconds(0.5)
        noise.setSpike(true)
        // Restored: the learnt baseline catches the spike at once, where a fresh detector would still be warming up.
        let spike = live.waitFor("otsentry/\(gateway)/alerts", seconds: 2) { jsonObject($0.payload)?["state"] as? String == "open" }
        #expect(spike != nil, "log:\n\(second.log)")
        #expect((spike.flatMap { jsonObject($0.payload)?["ev"] as? [String: Any] }?["expected"] as? Double).map { abs($0 - 1000) < 10 } == true)
    }

    @Test(.timeLimit(.minutes(2)))
    func aTornSpoolTailIsRecoveredAndReported() throws {
        let broker = try TestBroker()
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-torn")
        let state = TemporaryDirectory()
        let text = """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 200ms
            devices:
              - {id: plc, tcp: "127.0.0.1:\(server.port)", poll_interval: 50ms, channels: [{id: level, table: holding, address: 0, detectors: {}}]}
            """
        broker.stop()
        let first = try AgentProcess(board: text, stateDirectory: state.path)
        sleepSeconds(3)  // about 15 summaries spooled, none sent
        first.child.signal(SIGTERM)
        #expect(first.child.wait(seconds: 6) == 0)
        // Damage a copy of the state: cut the last record short.
        let copy = TemporaryDirectory()
        try FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: state.path, toPath: copy.path)
        let segments = try FileManager.default.contentsOfDirectory(atPath: copy.path + "/spool").filter { $0.hasPrefix("seg-") }.sorted()
        let last = try #require(segments.last { (try? FileManager.default.attributesOfItem(atPath: copy.path + "/spool/" + $0)[.size] as? Int ?? 0) ?? 0 > 100 })
        let path = copy.path + "/spool/" + last
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count - 20).write(to: URL(fileURLWithPath: path))

        try broker.start()
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let second = try AgentProcess(board: text, stateDirectory: copy.path)
        #expect(waitUntil(seconds: 10) { second.log.contains("torn or corrupt tail truncated") }, "log:\n\(second.log)")
        #expect(second.log.contains("records=1"))
        let status = live.waitFor("otsentry/\(gateway)/status", seconds: 5) { jsonObject($0.payload)?["spool_truncated"] as? Int == 1 }
        #expect(status != nil)
        // All summaries but the torn last one of the first run arrive: the first run's seqs 1…n-1, then the new ones.
        #expect(waitUntil(seconds: 10) { (live.messages(on: "otsentry/\(gateway)/plc/summary").count) > 15 })
        let seqs = Set(live.messages(on: "otsentry/\(gateway)/plc/summary").compactMap { jsonObject($0.payload)?["seq"] as? Int })
        let firstRun = seqs.filter { $0 < 14 }
        #expect(firstRun == Set(1..<14), "the first run's summaries: \(seqs.sorted())")
    }
}
