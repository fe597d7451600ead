import Foundation
import Modbus
import Mosquitto
import TestSupport
import Testing

/// Gateway and device status: retained, the will after a crash, clean shutdown, and a device that goes away and
/// comes back.
struct StatusEndToEndTests {
    func board(_ gateway: String, broker: TestBroker, port: Int, poll: String = "50ms") -> String {
        """
        gateway: \(gateway)
        mqtt: {url: "\(broker.url)"}
        summary_interval: 500ms
        devices:
          - id: plc
            tcp: 127.0.0.1:\(port)
            poll_interval: \(poll)
            timeout: 200ms
            channels:
              - {id: level, table: holding, address: 0, type: uint16}
        """
    }

    @Test func gatewayStatusIsRetainedAndTheWillSaysOfflineAfterSIGKILL() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-will")
        let statusTopic = "otsentry/\(gateway)/status"
        let agent = try AgentProcess(board: self.board(gateway, broker: broker, port: server.port))
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        #expect(live.waitFor("otsentry/\(gateway)/plc/status") { jsonObject($0.payload)?["state"] as? String == "online" }
                != nil, "agent log:\n\(agent.log)")

        // A subscriber arriving later gets the retained statuses at once.
        let late = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/+/status")
        let lateDevice = late.waitFor("otsentry/\(gateway)/plc/status")
        #expect(lateDevice?.retain == true)
        let retainedGateway = try TestSubscriber(port: broker.port, pattern: statusTopic).waitFor(statusTopic)
        let online = try #require(retainedGateway)
        #expect(online.retain == true && online.qos == 1)
        let onlineJSON = try #require(jsonObject(online.payload))
        #expect(onlineJSON["state"] as? String == "online")
        #expect(onlineJSON["version"] as? String == "0.1.0")
        #expect((onlineJSON["ts"] as? String)?.hasSuffix("Z") == true)

        // SIGKILL: no clean shutdown; the broker publishes the will.
        live.clear()
        agent.child.signal(SIGKILL)
        #expect(agent.child.wait(seconds: 5) != nil)
        let will = live.waitFor(statusTopic) { jsonObject($0.payload)?["state"] as? String == "offline" }
        let willJSON = try #require(will.flatMap { jsonObject($0.payload) })
        #expect(willJSON["version"] as? String == "0.1.0")
        // …and it is now the retained status.
        let after = try TestSubscriber(port: broker.port, pattern: statusTopic).waitFor(statusTopic)
        #expect(after.flatMap { jsonObject($0.payload)?["state"] as? String } == "offline")
        #expect(after?.retain == true)
    }

    @Test func sigtermPublishesOfflineAndExitsZero() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-term")
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: self.board(gateway, broker: broker, port: server.port))
        #expect(live.waitFor("otsentry/\(gateway)/plc/status") { jsonObject($0.payload)?["state"] as? String == "online" }
                != nil)
        let start = monotonicSeconds()
        agent.child.signal(SIGTERM)
        #expect(agent.child.wait(seconds: 5) == 0, "agent log:\n\(agent.log)")
        #expect(monotonicSeconds() - start < 5)
        let offline = live.waitFor("otsentry/\(gateway)/status") { jsonObject($0.payload)?["state"] as? String == "offline" }
        #expect(offline != nil)
        let device = live.waitFor("otsentry/\(gateway)/plc/status") { jsonObject($0.payload)?["state"] as? String == "offline" }
        #expect(device.flatMap { jsonObject($0.payload)?["error"] as? String } == "agent stopped")
        #expect(agent.log.contains("stopping signal=SIGTERM"))
    }

    @Test func aDeviceThatGoesAwayAndComesBack() throws {
        let broker = TestBroker.shared
        var server: ModbusServer? = try ModbusServer(units: [1])
        let port = server!.port
        server!.withRegisters { $0[1]!.set(.holding, address: 0, [7]) }
        server!.start()
        let gateway = uniqueGateway("e2e-away")
        let statusTopic = "otsentry/\(gateway)/plc/status"
        let summaryTopic = "otsentry/\(gateway)/plc/summary"
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: self.board(gateway, broker: broker, port: port))
        #expect(live.waitFor(statusTopic) { jsonObject($0.payload)?["state"] as? String == "online" } != nil)

        // The PLC goes away: status offline with the reason, the agent keeps running and publishing.
        server!.stop()
        server = nil
        let offline = live.waitFor(statusTopic) { jsonObject($0.payload)?["state"] as? String == "offline" }
        let error = try #require(offline.flatMap { jsonObject($0.payload)?["error"] as? String })
        #expect(error.contains("127.0.0.1:\(port)") || error.contains("unit 1"), "error: \(error)")
        live.clear()
        let empty = live.waitFor(summaryTopic) { jsonChannels($0)?["level"]?["n"] as? Int == 0 }
        #expect(empty != nil, "no summary with n:0 while the device is away")
        #expect(jsonChannels(try #require(empty))?["level"]?["min"] == nil)
        #expect(agent.child.isRunning)

        // It comes back on the same port: the agent reconnects and reads again.
        let again = try ModbusServer(port: port, units: [1])
        again.withRegisters { $0[1]!.set(.holding, address: 0, [9]) }
        again.start()
        defer { again.stop() }
        #expect(live.waitFor(statusTopic, seconds: 15) { jsonObject($0.payload)?["state"] as? String == "online" } != nil,
                "agent log:\n\(agent.log)")
        #expect(live.waitFor(summaryTopic) { jsonChannels($0)?["level"]?["last"] as? Double == 9 } != nil)
        #expect(agent.log.contains("device offline") && agent.log.contains("device online"))
    }

    @Test func refusedTimedOutAndExceptionAnswersAreReportedAndTheAgentKeepsRunning() throws {
        let broker = TestBroker.shared
        let silent = try ModbusServer(units: [1])
        silent.setHook { _ in .ignore }
        silent.start()
        defer { silent.stop() }
        let refusing = try ModbusServer(units: [1])
        refusing.setHook { _ in .exception(.illegalDataAddress) }
        refusing.start()
        defer { refusing.stop() }
        let healthy = try ModbusServer(units: [1])
        healthy.withRegisters { $0[1]!.set(.holding, address: 0, [5]) }
        healthy.start()
        defer { healthy.stop() }
        let closedPort = FreePort.allocate()
        let gateway = uniqueGateway("e2e-faults")
        func device(_ id: String, _ port: Int) -> String {
            """
              - id: \(id)
                tcp: 127.0.0.1:\(port)
                poll_interval: 100ms
                timeout: 150ms
                channels:
                  - {id: level, table: holding, address: 0, type: uint16}
            """
        }
        let live = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)"}
            summary_interval: 500ms
            devices:
            \(device("gone", closedPort))
            \(device("mute", silent.port))
            \(device("strict", refusing.port))
            \(device("fine", healthy.port))
            """)
        func error(of id: String) -> String? {
            live.waitFor("otsentry/\(gateway)/\(id)/status") { jsonObject($0.payload)?["state"] as? String == "offline" }
                .flatMap { jsonObject($0.payload)?["error"] as? String }
        }
        #expect(error(of: "gone") == "connect to 127.0.0.1:\(closedPort): Connection refused")
        #expect(error(of: "mute") == "read holding 0 (unit 1): timed out")
        #expect(error(of: "strict") == "read holding 0 (unit 1): exception 2 ILLEGAL DATA ADDRESS")
        #expect(live.waitFor("otsentry/\(gateway)/fine/summary") { jsonChannels($0)?["level"]?["last"] as? Double == 5 }
                != nil)
        for id in ["gone", "mute", "strict"] {
            #expect(live.waitFor("otsentry/\(gateway)/\(id)/summary") { jsonChannels($0)?["level"]?["n"] as? Int == 0 }
                    != nil, "\(id) publishes no empty summary")
        }
        #expect(agent.child.isRunning)
        let log = agent.log
        #expect(log.contains("device offline device=gone error=\"connect to 127.0.0.1:\(closedPort): Connection refused\""))
        #expect(log.contains("device=mute error=\"read holding 0 (unit 1): timed out\""))
        #expect(log.contains("device=strict error=\"read holding 0 (unit 1): exception 2 ILLEGAL DATA ADDRESS\""))
        // The fine device is online and never reported offline.
        #expect(!log.contains("device=fine error"))
        agent.child.terminate()
        #expect(agent.child.wait(seconds: 5) == 0)
    }

    @Test func theAgentStartsBeforeTheBrokerAndConnectsWhenItAppears() throws {
        let port = FreePort.allocate()
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-late-broker")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "mqtt://127.0.0.1:\(port)"}
            summary_interval: 500ms
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                poll_interval: 100ms
                channels:
                  - {id: level, table: holding, address: 0}
            """)
        sleepSeconds(1)
        #expect(agent.child.isRunning)
        let broker = try TestBrokerOnPort(port)
        let live = try TestSubscriber(port: port, pattern: "otsentry/\(gateway)/status")
        #expect(live.waitFor("otsentry/\(gateway)/status", seconds: 15) {
            jsonObject($0.payload)?["state"] as? String == "online"
        } != nil, "agent log:\n\(agent.log)")
        _ = broker
    }
}
