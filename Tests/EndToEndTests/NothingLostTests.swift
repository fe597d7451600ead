import Foundation
import Modbus
import Mosquitto
import TestSupport
import Testing

/// Nothing lost: the spool carries summaries and alerts across broker outages, agent crashes and full disks; reloads
/// and restarts keep the detectors' learnt state. Every test asserts from the consumer side.
struct NothingLostTests {
    func board(_ gateway: String, broker: Int, plc: Int, extra: String = "", channels: String? = nil) -> String {
        """
        gateway: \(gateway)
        mqtt: {url: "mqtt://127.0.0.1:\(broker)"}
        summary_interval: 500ms
        \(extra)
        devices:
          - id: plc
            tcp: 127.0.0.1:\(plc)
            poll_interval: 50ms
            timeout: 200ms
            channels:
        \(channels ?? "      - {id: level, table: holding, address: 0, detectors: {}}")
        """
    }

    /// The summary sequence numbers received, in arrival order.
    func seqs(_ subscriber: TestSubscriber, _ topic: String) -> [Int] {
        subscriber.messages(on: topic).compactMap { jsonObject($0.payload)?["seq"] as? Int }
    }

    @Test(.timeLimit(.minutes(3)))
    func aBrokerOutageLosesNoSummary() throws {
        let broker = try TestBroker()
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-outage")
        let topic = "otsentry/\(gateway)/plc/summary"
        var live = try TestSubscriber(port: broker.port, pattern: topic)
        let agent = try AgentProcess(board: self.board(gateway, broker: broker.port, plc: server.port))
        #expect(live.waitFor(topic) { _ in true } != nil, "log:\n\(agent.log)")
        sleepSeconds(1)
        broker.stop()
        let before = self.seqs(live, topic).max() ?? 0
        live.stop()
        sleepSeconds(30)  // the agent keeps polling: about 60 summaries go to the spool
        try broker.start()
        live = try TestSubscriber(port: broker.port, pattern: topic)
        // Everything from the outage arrives: its summaries oldest first, live ones in between.
        #expect(waitUntil(seconds: 30) { (self.seqs(live, topic).max() ?? 0) > before + 70 })
        let received = self.seqs(live, topic)
        let backlog = received.filter { $0 > before && $0 <= before + 55 }
        #expect(backlog == backlog.sorted(), "the outage's summaries arrive oldest first")
        #expect(backlog.count >= 50)
        let all = Set(received)
        // (One summary acknowledged by the broker at the very moment it stopped may have missed the test's own
        // subscriber, which lost its connection at the same instant: that one is not the agent's to resend.)
        let first = all.min() ?? 0
        #expect(first <= before + 2, "first after the outage \(first), last before \(before)")
        let missing = (first...(received.max() ?? first)).filter { !all.contains($0) }
        #expect(missing.isEmpty, "gaps in seq: \(missing.prefix(20))")
        #expect(agent.child.isRunning)
        let status = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/status")
            .waitFor("otsentry/\(gateway)/status") { jsonObject($0.payload)?["spool_records"] != nil }
        #expect(status.flatMap { jsonObject($0.payload)?["dropped"] as? Int } == 0)
    }

    @Test(.timeLimit(.minutes(3)))
    func anAgentKilledDuringAnOutageLosesNothing() throws {
        let broker = try TestBroker()
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-kill-outage")
        let topic = "otsentry/\(gateway)/plc/summary"
        let state = TemporaryDirectory()
        let boardText = self.board(gateway, broker: broker.port, plc: server.port)
        var live = try TestSubscriber(port: broker.port, pattern: topic)
        let first = try AgentProcess(board: boardText, stateDirectory: state.path)
        #expect(live.waitFor(topic) { _ in true } != nil)
        sleepSeconds(1)
        broker.stop()
        let before = self.seqs(live, topic).max() ?? 0
        live.stop()
        sleepSeconds(8)
        first.child.signal(SIGKILL)
        #expect(first.child.wait(seconds: 5) != nil)
        try broker.start()
        live = try TestSubscriber(port: broker.port, pattern: topic)
        let second = try AgentProcess(board: boardText, stateDirectory: state.path)
        #expect(waitUntil(seconds: 30) { (self.seqs(live, topic).max() ?? 0) > before + 25 }, "log:\n\(second.log)")
        let received = Set(self.seqs(live, topic))
        let firstAfter = received.min() ?? 0
        #expect(firstAfter <= before + 2, "first after the outage \(firstAfter), last before \(before)")
        let missing = (firstAfter...(received.max() ?? firstAfter)).filter { !received.contains($0) }
        #expect(missing.isEmpty, "gaps in seq after the crash: \(missing.prefix(20))")
        #expect(second.log.contains("spool: records waiting from before the restart"))
    }

    @Test(.timeLimit(.minutes(3)))
    func aFullSpoolDropsSummariesFirstAndCountsThem() throws {
        let broker = try TestBroker()
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-full")
        let channels = (0..<40).map { "      - {id: c\($0), table: holding, address: \($0), detectors: {}}" }
            .joined(separator: "\n")
            + "\n      - {id: alarm, table: holding, address: 100, detectors: {range: {max: 10, clear_after: 0s}}}"
        let boardText = self.board(gateway, broker: broker.port, plc: server.port,
                                   extra: "spool: {max_size: 64KiB, replay_rate: 1000}", channels: channels)
        let agent = try AgentProcess(board: boardText)
        let summaryTopic = "otsentry/\(gateway)/plc/summary"
        let before = try TestSubscriber(port: broker.port, pattern: summaryTopic)
        #expect(before.waitFor(summaryTopic) { _ in true } != nil, "log:\n\(agent.log)")
        broker.stop()
        let lastBefore = self.seqs(before, summaryTopic).max() ?? 0
        before.stop()
        // During the outage: 20 alert events (the alarm crosses its limit and back 10 times), and far more
        // summaries (about 5 KB each) than 64 KiB hold.
        for _ in 0..<10 {
            server.withRegisters { $0[1]!.set(.holding, address: 100, [50]) }
            sleepSeconds(0.6)
            server.withRegisters { $0[1]!.set(.holding, address: 100, [0]) }
            sleepSeconds(0.6)
        }
        sleepSeconds(15)
        try broker.start()
        let after = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let status = "otsentry/\(gateway)/status"
        #expect(waitUntil(seconds: 30) {
            after.messages(on: "otsentry/\(gateway)/alerts").count >= 20
                && after.messages(on: status).contains { (jsonObject($0.payload)?["dropped"] as? Int ?? 0) > 0 }
        }, "log:\n\(agent.log)")
        sleepSeconds(3)
        // Every alert event of the outage arrives.
        let alertSeqs = after.messages(on: "otsentry/\(gateway)/alerts").compactMap { jsonObject($0.payload)?["seq"] as? Int }
        #expect(Set(alertSeqs) == Set(1...20), "alert seqs: \(alertSeqs.sorted())")
        // The oldest summaries of the outage were dropped, exactly as many as the gateway status reports; the rest
        // arrive without a gap.
        let received = Set(self.seqs(after, summaryTopic))
        let report = try #require(after.messages(on: status).last.flatMap { jsonObject($0.payload) })
        let dropped = try #require(report["dropped"] as? Int)
        #expect(report["dropped_alerts"] as? Int == 0)
        let first = received.min() ?? 0
        #expect(dropped > 10)
        #expect(abs(first - (lastBefore + 1 + dropped)) <= 1, "last before \(lastBefore), dropped \(dropped), first after \(first)")
        let missing = (first...(received.max() ?? first)).filter { !received.contains($0) }
        #expect(missing.isEmpty, "gaps after the dropped ones: \(missing.prefix(20))")
    }
}

final class SharedValue: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int
    init(_ v: Int) { self.stored = v }
    var value: Int {
        get { self.lock.withLock { self.stored } }
        set { self.lock.withLock { self.stored = newValue } }
    }
}
