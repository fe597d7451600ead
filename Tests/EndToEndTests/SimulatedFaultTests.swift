import Foundation
import TestSupport
import Testing

/// The simulator's scheduled faults, seen through the agent's detectors on MQTT: each fault raises its own alert
/// within 3 poll intervals of its onset (a stuck value: of its `for` duration; a drift: within its configured
/// `detect_within`), and nothing fires on the clean stretches.
struct SimulatedFaultTests {
    struct Fault {
        var channel: String
        var rule: String
        var at: Double
        var end: Double
        /// Latest acceptable opening, seconds after `at`.
        var within: Double
    }

    @Test(.timeLimit(.minutes(3)))
    func eachFaultRaisesItsAlertAndTheCleanStretchIsQuiet() throws {
        let broker = TestBroker.shared
        let port = FreePort.allocate()
        let gateway = uniqueGateway("e2e-faults-sim")
        let poll = 0.1
        let board = """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 1s
            devices:
              - id: press
                tcp: 127.0.0.1:\(port)
                poll_interval: 100ms
                timeout: 500ms
                channels:
                  - id: pressure
                    table: holding
                    address: 100
                    type: float32
                    unit: bar
                    detectors: {range: {min: 50, max: 300}, spike: {}}
                    simulate:
                      level: 180
                      noise: 1.5
                      cycle: 60s
                      amplitude: 5
                      faults:
                        - {kind: spike, at: 16s, for: 300ms, magnitude: 60}
                        - {kind: out_of_range, at: 52s, for: 3s, value: 320}
                  - id: ram_position
                    table: holding
                    address: 102
                    type: uint16
                    scale: 0.01
                    unit: mm
                    detectors: {flatline: {}}
                    simulate:
                      level: 250
                      noise: 0.5
                      cycle: 8s
                      amplitude: 200
                      faults: [{kind: stuck, at: 20s, for: 8s}]
                  - id: oil_temperature
                    table: holding
                    address: 103
                    type: int16
                    scale: 0.1
                    unit: degC
                    detectors: {shift: {}}
                    simulate:
                      level: 48
                      noise: 0.2
                      faults: [{kind: drift, at: 31s, for: 20s, magnitude: 6, detect_within: 6s}]
                  - id: motor_speed
                    table: input
                    address: 0
                    type: uint16
                    unit: rpm
                    detectors: {shift: {}}
                    simulate:
                      level: 1480
                      noise: 3
                      faults: [{kind: step, at: 42s, for: 6s, magnitude: -300}]
            """
        let dir = TemporaryDirectory()
        let path = dir.write("faults.yaml", board)
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/alerts")
        let simulator = try ChildProcess(Executables.otsentry, ["simulate", "--board", path])
        let simulationStart = Date()
        defer { simulator.terminate() }
        #expect(waitUntil(seconds: 10) { FreePort.isListening(port) })
        let agent = try ChildProcess(Executables.otsentry, ["run", "--board", path],
                                     environment: ["STATE_DIRECTORY": dir.file("state")])
        defer { agent.terminate() }

        let faults = [
            Fault(channel: "pressure", rule: "spike", at: 16, end: 16.3, within: 3 * poll),
            Fault(channel: "ram_position", rule: "flatline", at: 20, end: 28, within: 20 * poll + 3 * poll),
            Fault(channel: "oil_temperature", rule: "shift", at: 31, end: 51, within: 6),
            Fault(channel: "motor_speed", rule: "shift", at: 42, end: 48, within: 3 * poll),
            Fault(channel: "pressure", rule: "range", at: 52, end: 55, within: 3 * poll),
        ]
        sleepSeconds(60 - Date().timeIntervalSince(simulationStart))
        let opens = live.messages(on: "otsentry/\(gateway)/alerts").compactMap { jsonObject($0.payload) }
            .filter { $0["state"] as? String == "open" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func offset(_ alert: [String: Any]) -> Double {
            formatter.date(from: alert["ts"] as! String)!.timeIntervalSince(simulationStart)
        }
        // Slack for the two processes' start-up skew and the poll phase.
        let slack = 0.25
        for fault in faults {
            let match = opens.first { a in
                a["channel"] as? String == fault.channel && (a["rule"] as? [String: String])?["id"] == fault.rule
                    && offset(a) >= fault.at - slack
            }
            let opened = try #require(match, "no \(fault.rule) alert on \(fault.channel); log:\n\(agent.stderr)")
            let delay = offset(opened) - fault.at
            #expect(delay <= fault.within + slack, "\(fault.channel) \(fault.rule) opened \(delay) s after the onset")
        }
        // Nothing opens outside the faults (from the end of the warm-up on; each fault plus a short recovery).
        for alert in opens {
            let t = offset(alert)
            let channel = alert["channel"] as? String
            let explained = faults.contains { $0.channel == channel && t >= $0.at - slack && t <= $0.end + 3 }
            let rule = (alert["rule"] as? [String: String])?["id"] ?? "?"
            #expect(explained, "unexpected \(rule) alert on \(channel ?? "?") at \(t) s: \(alert["msg"] ?? "")")
        }
        try SchemaValidator.validateAlerts(live.messages(on: "otsentry/\(gateway)/alerts").map(\.payload))
    }
}
