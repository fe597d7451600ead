import Foundation
import Modbus
import Mosquitto
import TestSupport
import Testing

/// The alert lifecycle on MQTT: open, update, close on the gateway's alert stream; the retained per-alert topic
/// while open and emptied on close; the payload against its JSON Schema (python jsonschema).
struct AlertEndToEndTests {
    @Test func rangeAlertOpensUpdatesAndClosesOnMQTT() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.withRegisters { $0[1]!.set(.holding, address: 0, [50]) }
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-alert")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 500ms
            devices:
              - id: boiler
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 50ms
                channels:
                  - id: pressure
                    table: holding
                    address: 0
                    unit: bar
                    detectors:
                      range: {max: 100, deadband: 5, severity: critical, update_interval: 200ms, clear_after: 300ms}
            """)
        let alertTopic = "otsentry/\(gateway)/boiler/pressure/alert/range"
        let stream = "otsentry/\(gateway)/alerts"
        #expect(live.waitFor("otsentry/\(gateway)/boiler/status") { jsonObject($0.payload)?["state"] as? String == "online" } != nil)
        sleepSeconds(0.3)
        #expect(live.messages(on: stream).isEmpty, "no alert while in range")

        server.withRegisters { $0[1]!.set(.holding, address: 0, [150]) }
        let open = try #require(live.waitFor(stream) { jsonObject($0.payload)?["state"] as? String == "open" },
                                "log:\n\(agent.log)")
        let openJSON = try #require(jsonObject(open.payload))
        #expect(open.qos == 1 && open.retain == false)
        #expect(openJSON["level"] as? String == "critical" && openJSON["sev"] as? Int == 90)
        #expect((openJSON["rule"] as? [String: String]) == ["id": "range", "type": "threshold"])
        #expect(openJSON["gateway"] as? String == gateway && openJSON["device"] as? String == "boiler")
        #expect(openJSON["channel"] as? String == "pressure")
        let ev = try #require(openJSON["ev"] as? [String: Any])
        #expect(ev["value"] as? Double == 150 && ev["expected"] as? Double == 100 && ev["unit"] as? String == "bar")
        #expect(openJSON["msg"] as? String == "pressure is above its limit of 100 bar: 150 bar")
        // The alert's own topic holds it, retained, for subscribers that arrive later.
        let late = try TestSubscriber(port: broker.port, pattern: alertTopic)
        let retained = try #require(late.waitFor(alertTopic))
        #expect(retained.retain && jsonObject(retained.payload)?["id"] as? String == openJSON["id"] as? String)

        // A new extreme while open: an update (at most every update_interval).
        server.withRegisters { $0[1]!.set(.holding, address: 0, [180]) }
        let update = try #require(live.waitFor(stream) { jsonObject($0.payload)?["state"] as? String == "update" })
        #expect((jsonObject(update.payload)?["ev"] as? [String: Any])?["value"] as? Double == 180)

        // Back under the limit but inside the deadband: still open. Below it: closes after clear_after.
        server.withRegisters { $0[1]!.set(.holding, address: 0, [97]) }
        sleepSeconds(0.6)
        #expect(!live.messages(on: stream).contains { jsonObject($0.payload)?["state"] as? String == "close" })
        server.withRegisters { $0[1]!.set(.holding, address: 0, [80]) }
        let close = try #require(live.waitFor(stream) { jsonObject($0.payload)?["state"] as? String == "close" })
        #expect(jsonObject(close.payload)?["msg"] as? String == "pressure: range alert cleared (value 80 bar)")
        // The retained state is cleared: an empty retained message, and a new subscriber sees nothing.
        #expect(live.waitFor(alertTopic) { $0.payload.isEmpty } != nil)
        let after = try TestSubscriber(port: broker.port, pattern: alertTopic)
        sleepSeconds(0.5)
        #expect(after.messages(on: alertTopic).isEmpty)

        // Summaries count open alerts; ids increase strictly; every payload matches the schema.
        let events = live.messages(on: stream)
        let ids = events.compactMap { jsonObject($0.payload)?["id"] as? String }
        #expect(ids == ids.sorted() && Set(ids).count == ids.count && ids.count >= 3)
        #expect(live.messages(on: "otsentry/\(gateway)/boiler/summary").contains {
            jsonObject($0.payload)?["alerts"] as? Int == 1 && jsonChannels($0)?["pressure"]?["alerts"] as? Int == 1
        })
        try SchemaValidator.validateAlerts(events.map(\.payload))
    }

    @Test func theSchemaRejectsWhatItShould() throws {
        let good = #"{"v":1,"id":"019ab8c5-3a93-7000-8611-95f9cdad542c","seq":7,"ts":"2026-11-26T16:51:48.499Z","state":"open","level":"high","sev":70,"rule":{"id":"spike","type":"statistical"},"gateway":"g","device":"d","channel":"c","ev":{"value":1,"score":7.5,"expected":null,"unit":""},"msg":"c spiked","attack":[]}"#
        try SchemaValidator.validateAlerts([Array(good.utf8)])
        let device = good.replacingOccurrences(of: #""channel":"c""#, with: #""channel":null"#)
            .replacingOccurrences(of: #""attack":[]"#, with: #""attack":[{"t":"T1692.002","name":"Spoof Reporting Message"}]"#)
        try SchemaValidator.validateAlerts([Array(device.utf8)])
        for (from, to) in [(#""state":"open""#, #""state":"opened""#), (#","attack":[]"#, ""),
                           (#""attack":[]"#, #""attack":[{"t":"X1"}]"#), (#""channel":"c""#, #""channel":"a/b""#)] {
            let bad = good.replacingOccurrences(of: from, with: to)
            #expect(bad != good)
            #expect(throws: TestFailure.self, "\(bad)") { try SchemaValidator.validateAlerts([Array(bad.utf8)]) }
        }
    }
}
