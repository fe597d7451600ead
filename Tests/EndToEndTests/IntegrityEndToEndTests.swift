import Foundation
import Modbus
import Mosquitto
import Synchronization
import TestSupport
import Testing

/// PLC integrity detection against a real libmodbus server whose parameters, identity, run indicator and link
/// behaviour change during the test: each expected alert arrives with its MITRE ATT&CK for ICS technique ids, and
/// none arrives in the clean phase before.
struct IntegrityEndToEndTests {
    static func alerts(_ s: TestSubscriber, _ gateway: String) -> [[String: Any]] {
        s.messages(on: "otsentry/\(gateway)/alerts").compactMap { jsonObject($0.payload) }
    }

    static func waitAlert(_ s: TestSubscriber, _ gateway: String, rule: String, state: String = "open",
                          seconds: Double = 10) -> [String: Any]? {
        var found: [String: Any]?
        waitUntil(seconds: seconds) {
            found = Self.alerts(s, gateway).first {
                ($0["rule"] as? [String: String])?["id"] == rule && $0["state"] as? String == state
            }
            return found != nil
        }
        return found
    }

    static func techniques(_ alert: [String: Any]?) -> [String] {
        (alert?["attack"] as? [[String: String]])?.compactMap { $0["t"] } ?? []
    }

    @Test func parameterSafetyAndProgramChangesAlertWithTheirTechniques() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.withRegisters { $0[1]!.set(.holding, address: 0, [80, 120, 0x1234, 0x5678, 0x5631, 0x2E32]) }
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("integrity")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let board = """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 500ms
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 50ms
                channels:
                  - {id: setpoint, table: holding, address: 0, type: uint16, unit: degC, role: parameter}
                  - {id: trip_limit, table: holding, address: 1, type: uint16, role: safety}
                  - {id: program_crc, table: holding, address: 2, type: uint32, role: program}
                  - {id: firmware, table: holding, address: 4, type: string, length: 2, role: program}
            """
        let state = TemporaryDirectory(prefix: "otsentry-state")
        var agent: AgentProcess? = try AgentProcess(board: board, stateDirectory: state.path)
        #expect(live.waitFor("otsentry/\(gateway)/plc/status") { jsonObject($0.payload)?["state"] as? String == "online" } != nil)
        sleepSeconds(1.5)
        #expect(Self.alerts(live, gateway).isEmpty, "clean phase: \(Self.alerts(live, gateway))")

        server.withRegisters { $0[1]!.set(.holding, address: 0, [95]) }
        let parameter = try #require(Self.waitAlert(live, gateway, rule: "parameter"), "log:\n\(agent!.log)")
        #expect(parameter["level"] as? String == "high")
        #expect((parameter["rule"] as? [String: String])?["type"] == "integrity")
        #expect(parameter["channel"] as? String == "setpoint")
        #expect(Self.techniques(parameter) == ["T0836"])
        let ev = try #require(parameter["ev"] as? [String: Any])
        #expect(ev["value"] as? Double == 95 && ev["expected"] as? Double == 80 && ev["unit"] as? String == "degC")
        #expect(parameter["msg"] as? String == "setpoint (parameter) changed from 80 degC to 95 degC outside a maintenance window")
        let retainedTopic = "otsentry/\(gateway)/plc/setpoint/alert/parameter"
        #expect(live.waitFor(retainedTopic) { $0.retain || !$0.payload.isEmpty } != nil)

        server.withRegisters { $0[1]!.set(.holding, address: 1, [150]) }
        let safety = try #require(Self.waitAlert(live, gateway, rule: "safety"))
        #expect(safety["level"] as? String == "critical" && safety["sev"] as? Int == 90)
        #expect(Self.techniques(safety) == ["T0838", "T0836"])

        server.withRegisters { $0[1]!.set(.holding, address: 3, [0x5679]) }
        let program = try #require(Self.waitAlert(live, gateway, rule: "program"))
        #expect(program["channel"] as? String == "program_crc")
        #expect(Self.techniques(program) == ["T0843"])

        server.withRegisters { $0[1]!.set(.holding, address: 5, [0x2E33]) }
        var firmware: [String: Any]?
        waitUntil(seconds: 10) {
            firmware = Self.alerts(live, gateway).first { $0["channel"] as? String == "firmware" }
            return firmware != nil
        }
        let changes = (firmware?["ev"] as? [String: Any])?["changes"] as? [String: [String: String]]
        #expect(changes?["value"] == ["from": "V1.2", "to": "V1.3"], "\(String(describing: firmware))")

        // Back to the baseline: the alert closes and its retained topic empties.
        server.withRegisters { $0[1]!.set(.holding, address: 0, [80]) }
        #expect(Self.waitAlert(live, gateway, rule: "parameter", state: "close") != nil)
        #expect(live.waitFor(retainedTopic) { $0.payload.isEmpty } != nil)
        try SchemaValidator.validateAlerts(live.messages(on: "otsentry/\(gateway)/alerts").map(\.payload))

        // A change made while the agent is stopped is caught at the next start (baselines are persisted).
        server.withRegisters { $0[1]!.set(.holding, address: 1, [120]) }
        #expect(Self.waitAlert(live, gateway, rule: "safety", state: "close") != nil)
        agent!.child.signal(SIGTERM)
        #expect(agent!.child.wait(seconds: 10) == 0)
        agent = nil
        live.clear()
        server.withRegisters { $0[1]!.set(.holding, address: 1, [100]) }
        let restarted = try AgentProcess(board: board, stateDirectory: state.path)
        let caught = Self.waitAlert(live, gateway, rule: "safety")
        #expect(caught != nil, "log:\n\(restarted.log)")
        #expect((caught?["ev"] as? [String: Any])?["expected"] as? Double == 120)
    }

    @Test func maintenanceWindowAcceptsChanges() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.withRegisters { $0[1]!.set(.holding, address: 0, [80]) }
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("maintenance")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            maintenance:
              - {from: "00:00", to: "24:00"}
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 50ms
                channels:
                  - {id: setpoint, table: holding, address: 0, type: uint16, role: parameter}
            """)
        #expect(live.waitFor("otsentry/\(gateway)/plc/status") { jsonObject($0.payload)?["state"] as? String == "online" } != nil)
        sleepSeconds(0.5)
        server.withRegisters { $0[1]!.set(.holding, address: 0, [95]) }
        #expect(waitUntil(seconds: 5) { agent.log.contains("setpoint (parameter) set to 95 in a maintenance window: new baseline") },
                "log:\n\(agent.log)")
        sleepSeconds(0.5)
        #expect(Self.alerts(live, gateway).isEmpty)
    }

    @Test func identityChangeAndRunIndicatorAlert() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("identity")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 100ms
                identity: true
                identity_interval: 1s
                channels:
                  - {id: level, table: holding, address: 0, type: uint16}
            """)
        let identityTopic = "otsentry/\(gateway)/plc/identity"
        let identity = try #require(live.waitFor(identityTopic), "log:\n\(agent.log)")
        let id = try #require(jsonObject(identity.payload))
        let late = try TestSubscriber(port: broker.port, pattern: identityTopic)
        #expect(late.waitFor(identityTopic)?.retain == true, "the identity is retained for later subscribers")
        #expect(id["running"] as? Bool == true)
        let fields = try #require(id["fields"] as? [String: String])
        #expect(fields["vendor"] == "otsentry" && fields["product_code"] == "OTS-SIM" && fields["revision"] == "1.0")
        #expect(fields["server_id"] == "1" && fields["server_data"] == "otsentry simulate")
        sleepSeconds(2.5)
        #expect(Self.alerts(live, gateway).isEmpty, "clean phase: \(Self.alerts(live, gateway))")

        server.updateIdentity { $0.objects[0x02] = Array("2.0".utf8) }
        let changed = try #require(Self.waitAlert(live, gateway, rule: "identity"), "log:\n\(agent.log)")
        #expect(changed["channel"] is NSNull)
        #expect(Self.techniques(changed) == ["T1693", "T0830"])
        let changes = (changed["ev"] as? [String: Any])?["changes"] as? [String: [String: String]]
        #expect(changes == ["revision": ["from": "1.0", "to": "2.0"]])
        #expect(live.waitFor("otsentry/\(gateway)/plc/alert/identity") { !$0.payload.isEmpty } != nil)
        #expect(live.waitFor(identityTopic) { (jsonObject($0.payload)?["fields"] as? [String: String])?["revision"] == "2.0" } != nil)

        server.updateIdentity { $0.running = false }
        let stopped = try #require(Self.waitAlert(live, gateway, rule: "mode"))
        #expect(stopped["level"] as? String == "critical")
        #expect(Self.techniques(stopped) == ["T0858"])
        server.updateIdentity { $0.running = true }
        #expect(Self.waitAlert(live, gateway, rule: "mode", state: "close") != nil)
        server.updateIdentity { $0.objects[0x02] = Array("1.0".utf8) }
        #expect(Self.waitAlert(live, gateway, rule: "identity", state: "close") != nil)
        #expect(live.waitFor("otsentry/\(gateway)/plc/alert/identity") { $0.payload.isEmpty } != nil)
        try SchemaValidator.validateAlerts(live.messages(on: "otsentry/\(gateway)/alerts").map(\.payload))
    }

    @Test func linkLatencyExceptionsAndTimeoutsAlert() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        let mode = Mutex(0)  // 0 clean, 1 slow, 2 exceptions, 3 silent
        server.setHook { _ in
            switch mode.withLock({ $0 }) {
            case 1: .delay(nanoseconds: 30_000_000)
            case 2: .exception(.serverDeviceFailure)
            case 3: .ignore
            default: .reply
            }
        }
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("link")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 50ms
                timeout: 100ms
                degrade_after: 1000
                link: {window: 1s, learn: 3}
                channels:
                  - {id: level, table: holding, address: 0, type: uint16, detectors: {}}
            """)
        #expect(live.waitFor("otsentry/\(gateway)/plc/status") { jsonObject($0.payload)?["state"] as? String == "online" } != nil)
        sleepSeconds(3.5)
        #expect(Self.alerts(live, gateway).isEmpty, "clean phase: \(Self.alerts(live, gateway))")

        mode.withLock { $0 = 1 }
        let slow = try #require(Self.waitAlert(live, gateway, rule: "latency"), "log:\n\(agent.log)")
        #expect((slow["rule"] as? [String: String])?["type"] == "availability")
        #expect(Self.techniques(slow) == ["T0830", "T0814"])
        #expect(((slow["ev"] as? [String: Any])?["value"] as? Double ?? 0) >= 25)
        mode.withLock { $0 = 0 }
        #expect(Self.waitAlert(live, gateway, rule: "latency", state: "close") != nil)

        mode.withLock { $0 = 2 }
        let exceptions = try #require(Self.waitAlert(live, gateway, rule: "exceptions"), "log:\n\(agent.log)")
        #expect(Self.techniques(exceptions) == ["T0814", "T0830"])
        mode.withLock { $0 = 0 }
        #expect(Self.waitAlert(live, gateway, rule: "exceptions", state: "close") != nil)

        mode.withLock { $0 = 3 }
        let timeouts = try #require(Self.waitAlert(live, gateway, rule: "timeouts"), "log:\n\(agent.log)")
        #expect(timeouts["level"] as? String == "high")
        #expect(Self.techniques(timeouts) == ["T0814", "T0826"])
        mode.withLock { $0 = 0 }
        #expect(Self.waitAlert(live, gateway, rule: "timeouts", state: "close") != nil)
        try SchemaValidator.validateAlerts(live.messages(on: "otsentry/\(gateway)/alerts").map(\.payload))
    }

    @Test func frozenAndReplayedReadingsLookSpoofed() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        // The register takes the next value of a live, noisy signal at every read; the test freezes it, then
        // plays an earlier stretch back.
        enum Phase { case live, frozen, replay }
        let state = Mutex((phase: Phase.live, step: 0, history: [UInt16](), replayAt: 0))
        var generator = SystemRandomNumberGenerator()
        let noise = (0..<20_000).map { _ in UInt16.random(in: 900...1100, using: &generator) }
        server.setHook { [server] request in
            guard request.function == 3 else { return .reply }
            let value: UInt16? = state.withLock { s in
                switch s.phase {
                case .live:
                    let v = noise[s.step % noise.count]
                    s.step += 1
                    s.history.append(v)
                    return v
                case .frozen:
                    return nil
                case .replay:
                    let v = s.history[s.replayAt % s.history.count]
                    s.replayAt += 1
                    return v
                }
            }
            if let value { server.withRegisters { $0[1]!.set(.holding, address: 0, [value]) } }
            return .reply
        }
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("spoof")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 20ms
                channels:
                  - {id: flow, table: holding, address: 0, type: uint16, window: 1024,
                     detectors: {spoof: {window: 16, frozen: 20, min_changes: 8, clear_after: 100ms}}}
            """)
        #expect(live.waitFor("otsentry/\(gateway)/plc/status") { jsonObject($0.payload)?["state"] as? String == "online" } != nil)
        sleepSeconds(4)
        #expect(Self.alerts(live, gateway).isEmpty, "clean phase: \(Self.alerts(live, gateway))")

        state.withLock { $0.phase = .frozen }
        let frozen = try #require(Self.waitAlert(live, gateway, rule: "spoof"), "log:\n\(agent.log)")
        #expect(Self.techniques(frozen) == ["T1692.002"])
        #expect(((frozen["ev"] as? [String: Any])?["score"] as? Double ?? 0) <= -20)
        state.withLock { $0.phase = .live }
        #expect(Self.waitAlert(live, gateway, rule: "spoof", state: "close") != nil)

        live.clear()
        state.withLock { s in
            s.replayAt = 10
            s.phase = .replay
        }
        let replayed = try #require(Self.waitAlert(live, gateway, rule: "spoof"), "log:\n\(agent.log)")
        #expect(((replayed["ev"] as? [String: Any])?["score"] as? Double ?? 0) > 16)
        #expect((replayed["msg"] as? String)?.contains("looks replayed") == true)
        try SchemaValidator.validateAlerts(live.messages(on: "otsentry/\(gateway)/alerts").map(\.payload))
    }

    /// A full run with every feature that talks to the device: only read function codes reach it.
    @Test func aFullRunSendsOnlyReadFunctionCodes() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("readonly")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 500ms
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 50ms
                identity: true
                identity_interval: 1s
                channels:
                  - {id: coil, table: coil, address: 0}
                  - {id: input, table: discrete, address: 0}
                  - {id: level, table: input, address: 0, type: float32}
                  - {id: setpoint, table: holding, address: 0, type: uint16, role: parameter}
                  - {id: flow, table: holding, address: 10, type: int16, detectors: {spoof: {}, range: {max: 10}}}
            """)
        #expect(live.waitFor("otsentry/\(gateway)/plc/identity") != nil, "log:\n\(agent.log)")
        sleepSeconds(3)
        agent.child.signal(SIGTERM)
        #expect(agent.child.wait(seconds: 10) == 0)
        let codes = Set(server.functionCodeCounts.keys)
        #expect(codes.isSubset(of: [1, 2, 3, 4, 0x11, 0x2B]), "function codes sent: \(codes.sorted())")
        #expect(codes == [1, 2, 3, 4, 0x11, 0x2B], "every read kind was exercised: \(codes.sorted())")
    }

    /// No source file calls a libmodbus function that writes to a device.
    @Test func noWriteFunctionIsCalledAnywhere() throws {
        let root = Executables.repositoryRoot + "/Sources"
        let files = try #require(FileManager.default.enumerator(atPath: root)?.compactMap { $0 as? String })
            .filter { $0.hasSuffix(".swift") || $0.hasSuffix(".h") || $0.hasSuffix(".c") }
        #expect(files.count > 50)
        let writers = ["modbus_write_bit", "modbus_write_register", "modbus_write_bits", "modbus_write_registers",
                       "modbus_mask_write_register", "modbus_write_and_read_registers", "modbus_send_raw_request"]
        for file in files {
            let text = try String(contentsOfFile: "\(root)/\(file)", encoding: .utf8)
            for w in writers {
                #expect(!text.contains(w), "\(file) calls \(w)")
            }
        }
    }
}
