import Foundation
import TestSupport
import Testing

/// `detection_latency`: the detectors run on batches of samples, and an alert reaches MQTT at most that long after
/// the sample that raised it, stamped (`ts`) with the time of that sample. Samples still waiting when the agent
/// stops go through the detectors before it exits: their alerts are published, not lost.
struct DetectionLatencyTests {
    /// A 100 ms poll of one float channel with a spike at 28 s (after the detectors' warm-up, about 23 s).
    private func board(gateway: String, port: Int, latency: String, summary: String) -> String {
        """
        gateway: \(gateway)
        mqtt: {url: "\(TestBroker.shared.url)"}
        summary_interval: \(summary)
        devices:
          - id: press
            tcp: 127.0.0.1:\(port)
            poll_interval: 100ms
            timeout: 500ms
            detection_latency: \(latency)
            channels:
              - id: pressure
                table: holding
                address: 100
                type: float32
                detectors: {spike: {}}
                simulate:
                  level: 180
                  noise: 1.5
                  faults: [{kind: spike, at: 28s, for: 300ms, magnitude: 60}]
        """
    }

    /// The simulator and the agent on one board, and a subscriber to the gateway's alerts.
    private struct Run {
        let topic: String
        let live: TestSubscriber
        let simulator: ChildProcess
        let agent: ChildProcess
        /// When the simulator started: its faults' times count from here.
        let start: Date
        /// The board and the agent's state (removed with the last reference).
        let dir: TemporaryDirectory

        func stop() {
            self.agent.terminate()
            self.simulator.terminate()
        }

        var opened: [[String: Any]] {
            self.live.messages(on: self.topic).compactMap { jsonObject($0.payload) }.filter { $0["state"] as? String == "open" }
        }
    }

    private func run(_ name: String, latency: String, summary: String) throws -> Run {
        let port = FreePort.allocate()
        let gateway = uniqueGateway(name)
        let dir = TemporaryDirectory()
        let path = dir.write("latency.yaml", self.board(gateway: gateway, port: port, latency: latency, summary: summary))
        let topic = "otsentry/\(gateway)/alerts"
        let live = try TestSubscriber(port: TestBroker.shared.port, pattern: topic)
        let simulator = try ChildProcess(Executables.otsentry, ["simulate", "--board", path])
        let start = Date()
        #expect(waitUntil(seconds: 10) { FreePort.isListening(port) })
        let agent = try ChildProcess(Executables.otsentry, ["run", "--board", path],
                                     environment: ["STATE_DIRECTORY": dir.file("state")])
        return Run(topic: topic, live: live, simulator: simulator, agent: agent, start: start, dir: dir)
    }

    private func offset(_ alert: [String: Any], from start: Date) -> Double {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: alert["ts"] as! String)!.timeIntervalSince(start)
    }

    @Test
    func anAlertArrivesWithinTheLatencyStampedWithItsSample() throws {
        let run = try self.run("e2e-latency", latency: "2s", summary: "30s")
        defer { run.stop() }
        var opened: [String: Any]?
        var received = 0.0
        _ = waitUntil(seconds: 42) {
            opened = run.opened.first
            received = Date().timeIntervalSince(run.start)
            return opened != nil
        }
        let alert = try #require(opened, "no spike alert; log:\n\(run.agent.stderr)")
        let sampled = self.offset(alert, from: run.start)
        // Stamped with the sample: within the spike (plus the processes' start-up skew), however late it was sent.
        #expect(sampled >= 28 - 0.25 && sampled <= 28.3 + 0.35, "ts \(sampled) s, the spike is at 28 s")
        // Published within the latency after the spike is known (two samples after it is over), plus the
        // subscriber's polling and the broker's delivery.
        #expect(received - sampled <= 2 + 0.5 + 0.75, "received \(received - sampled) s after its sample")
        try SchemaValidator.validateAlerts(run.live.messages(on: run.topic).map(\.payload))
    }

    @Test
    func samplesWaitingAtStopStillRaiseTheirAlerts() throws {
        // Batches of 10 s (100 cycles, the most a batch holds) and no summary to run them early. They start with
        // the agent's first cycle, a (under 5 s after the simulator): the batch that ends at a + 30 s holds the
        // spike (28 s) and the two samples after it that make it a spike, and is not due before the stop (28.9 s);
        // only the stop can run it.
        let run = try self.run("e2e-latency-stop", latency: "10s", summary: "60s")
        defer { run.stop() }
        try #require(Date().timeIntervalSince(run.start) < 5, "the simulator took too long to start")
        sleepSeconds(max(0, 28.9 - Date().timeIntervalSince(run.start)))
        let beforeStop = run.opened.count
        run.agent.signal(SIGTERM)
        #expect(run.agent.wait(seconds: 15) == 0, "agent did not stop cleanly; log:\n\(run.agent.stderr)")
        #expect(beforeStop == 0, "an alert was published before its batch was due")
        #expect(waitUntil(seconds: 5) { !run.opened.isEmpty }, "the spike's alert was lost at stop; log:\n\(run.agent.stderr)")
        #expect(run.agent.stderr.contains("alert open"))
    }
}
