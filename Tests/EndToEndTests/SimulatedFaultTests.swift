import Foundation
import TestSupport
import Testing

/// The simulator's scheduled faults, seen through the agent's detectors on MQTT, from the agent's start (its
/// warm-up included): each fault raises its own alert within 3 poll intervals of its onset (a spike: of its end,
/// when it is known to be one; a stuck value: of its `for` duration; a drift: within its configured
/// `detect_within`), every alert closes once the signal is back for `clear_after` (5 s) plus `detection_latency`
/// (1 s), a permanent step's shift closes once the new level is the normal and its retained topic is cleared, and
/// nothing fires on the clean stretches. The faults start after the detectors' warm-up (about 23 s at 10 Hz).
struct SimulatedFaultTests {
    struct Fault {
        var channel: String
        var rule: String
        var at: Double
        var end: Double
        /// Latest acceptable opening, seconds after `at`.
        var within: Double
        /// Latest acceptable close, seconds after `end` (nil: not checked, the fault lasts to the end).
        var closeWithin: Double?
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
                        - {kind: spike, at: 28s, for: 300ms, magnitude: 60}
                        - {kind: out_of_range, at: 62s, for: 3s, value: 320}
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
                      faults: [{kind: stuck, at: 32s, for: 8s}]
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
                      faults: [{kind: drift, at: 42s, for: 20s, magnitude: 6, detect_within: 6s}]
                  - id: motor_speed
                    table: input
                    address: 0
                    type: uint16
                    unit: rpm
                    detectors: {shift: {}}
                    simulate:
                      level: 1480
                      noise: 3
                      faults: [{kind: step, at: 52s, for: 6s, magnitude: -300}]
                  - id: feed_rate
                    table: input
                    address: 1
                    type: uint16
                    unit: mm/min
                    detectors: {shift: {}}
                    simulate:
                      level: 800
                      noise: 2
                      faults: [{kind: step, at: 30s, magnitude: 40}]
            """
        let dir = TemporaryDirectory()
        let path = dir.write("faults.yaml", board)
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/alerts")
        let perAlert = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/press/+/alert/#")
        let simulator = try ChildProcess(Executables.otsentry, ["simulate", "--board", path])
        let simulationStart = Date()
        defer { simulator.terminate() }
        #expect(waitUntil(seconds: 10) { FreePort.isListening(port) })
        let agent = try ChildProcess(Executables.otsentry, ["run", "--board", path],
                                     environment: ["STATE_DIRECTORY": dir.file("state")])
        defer { agent.terminate() }

        // Closing: back for clear_after (5 s) and 12 samples, plus the detection latency (1 s) and the poll phase.
        let closing = 5 + 1 + 1.0
        let faults = [
            Fault(channel: "pressure", rule: "spike", at: 28, end: 28.3, within: 0.3 + 3 * poll, closeWithin: closing),
            Fault(channel: "feed_rate", rule: "shift", at: 30, end: 30, within: 3 * poll + 0.5,
                  closeWithin: 30),  // permanent: closes once the new level is the normal (about 20 s at 10 Hz)
            Fault(channel: "ram_position", rule: "flatline", at: 32, end: 40, within: 20 * poll + 3 * poll,
                  closeWithin: closing),
            Fault(channel: "oil_temperature", rule: "shift", at: 42, end: 62, within: 6, closeWithin: nil),
            Fault(channel: "motor_speed", rule: "shift", at: 52, end: 58, within: 3 * poll + 0.5, closeWithin: closing),
            Fault(channel: "pressure", rule: "range", at: 62, end: 65, within: 3 * poll, closeWithin: closing),
        ]
        sleepSeconds(74 - Date().timeIntervalSince(simulationStart))
        let events = live.messages(on: "otsentry/\(gateway)/alerts").compactMap { jsonObject($0.payload) }
        let opens = events.filter { $0["state"] as? String == "open" }
        let closes = events.filter { $0["state"] as? String == "close" }
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
            guard let closeWithin = fault.closeWithin else { continue }
            let closed = closes.first { a in
                a["channel"] as? String == fault.channel && (a["rule"] as? [String: String])?["id"] == fault.rule
                    && offset(a) > offset(opened)
            }
            let late = closed.map { offset($0) - fault.end }
            #expect(late.map { $0 <= closeWithin + slack } == true,
                    "\(fault.channel) \(fault.rule) closed \(late.map { "\($0) s" } ?? "never") after the fault ended")
        }
        // The permanent step's retained alert was set, then cleared (an empty retained message), so a new subscriber
        // sees none.
        let stepTopic = "otsentry/\(gateway)/press/feed_rate/alert/shift"
        let stepMessages = perAlert.messages(on: stepTopic)
        #expect(stepMessages.first.map { !$0.payload.isEmpty } == true, "\(stepMessages.count) messages")
        #expect(stepMessages.last.map { $0.payload.isEmpty } == true, "the shift of the permanent step is not cleared")
        let late = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/press/+/alert/#")
        defer { late.stop() }
        sleepSeconds(1)
        let stillRetained = late.messages.filter { !$0.payload.isEmpty }.map(\.topic)
        #expect(stillRetained.filter { !$0.contains("oil_temperature") }.isEmpty,
                "retained alerts left after every fault but the drift ended: \(stillRetained)")
        // Nothing opens outside the faults, from the agent's start (each fault plus a short recovery).
        for alert in opens {
            let t = offset(alert)
            let channel = alert["channel"] as? String
            let rule = (alert["rule"] as? [String: String])?["id"] ?? "?"
            let explained = faults.contains { $0.channel == channel && t >= $0.at - slack && t <= $0.end + 3 }
            #expect(explained, "unexpected \(rule) alert on \(channel ?? "?") at \(t) s: \(alert["msg"] ?? "")")
        }
        try SchemaValidator.validateAlerts(live.messages(on: "otsentry/\(gateway)/alerts").map(\.payload))
    }
}
