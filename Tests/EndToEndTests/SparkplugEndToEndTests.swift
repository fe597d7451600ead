import Foundation
import Modbus
import Mosquitto
import Registers
import Synchronization
import TestSupport
import Testing

/// `mqtt.format: sparkplug` against mosquitto, decoded by pysparkplug (Google protobuf from the specification's
/// `sparkplug_b.proto`). Rule ids of the Sparkplug 3.0 specification are named where a check covers one.
@Suite(.serialized)
struct SparkplugEndToEndTests {
    /// The Sparkplug datatype of each channel of ``SummaryEndToEndTests/channels``: the register type when not
    /// scaled, Double when scaled, Boolean for bits.
    static let datatypes: [String: String] = [
        "f32_abcd": "FLOAT", "f32_cdab": "FLOAT", "f32_badc": "FLOAT", "f32_dcba": "FLOAT", "i32_cdab": "INT32",
        "u32_badc": "UINT32", "i16_dcba": "INT16", "u16_scaled": "DOUBLE", "u64_dcba": "UINT64", "i64_abcd": "INT64",
        "f64_cdab": "DOUBLE", "f64_badc": "DOUBLE", "coil_on": "BOOLEAN", "input_off": "BOOLEAN", "varying": "INT16",
        "banded": "UINT16", "s8": "INT8", "u8": "UINT8", "label": "STRING",
    ]

    static func board(gateway: String, group: String, broker: String, port: Int, extra: String = "",
                      summary: String = "500ms", poll: String = "50ms", channels: String) -> String {
        """
        gateway: \(gateway)
        mqtt: {url: "\(broker)", format: sparkplug, group_id: \(group)}
        summary_interval: \(summary)
        devices:
          - id: plc
            tcp: 127.0.0.1:\(port)
            unit: 3
            poll_interval: \(poll)
            timeout: 300ms
            degrade_after: 1000
            channels:
        \(channels)
        \(extra)
        """
    }

    static func metrics(_ message: [String: Any]) -> [[String: Any]] { message["metrics"] as? [[String: Any]] ?? [] }

    static func metric(_ message: [String: Any], _ name: String) -> [String: Any]? {
        self.metrics(message).first { $0["name"] as? String == name }
    }

    static func seq(_ message: [String: Any]) -> Int? { message["seq"] as? Int }

    /// Checks what every test's messages must satisfy: pysparkplug decoded each; `seq` continuity
    /// (tck-id-payloads-sequence-num-incrementing): every message but NDEATH carries a seq one more than the
    /// previous, modulo 256, and NBIRTH starts at 0; every metric of NBIRTH, DBIRTH, NDATA and DDATA has a timestamp
    /// (tck-id-payloads-name-birth-data-requirement), births name every metric with an alias and a datatype.
    static func checkSequence(_ messages: [[String: Any]]) -> [String] {
        var problems: [String] = []
        var last: Int?
        for (i, m) in messages.enumerated() {
            let type = m["type"] as? String ?? "?"
            if let error = m["error"] { problems.append("message \(i) (\(type)) not decoded: \(error)") }
            if type == "NDEATH" || type == "NCMD" || type == "DCMD" { continue }
            let raw = (m["raw"] as? [String: Any])?["metrics"] as? [[String: Any]] ?? []
            if raw.contains(where: { $0["timestamp"] == nil }) { problems.append("message \(i) (\(type)): metric without timestamp") }
            if type.hasSuffix("BIRTH"),
               raw.contains(where: { $0["name"] == nil || $0["alias"] == nil || $0["datatype"] == nil }) {
                problems.append("message \(i) (\(type)): birth metric without name, alias or datatype")
            }
            guard let seq = Self.seq(m) else {
                problems.append("message \(i) (\(type)) has no seq")
                continue
            }
            if type == "NBIRTH" {
                if seq != 0 { problems.append("NBIRTH \(i) has seq \(seq)") }
            } else if let l = last, seq != (l + 1) % 256 {
                problems.append("message \(i) (\(type)) has seq \(seq) after \(l)")
            }
            last = seq
        }
        return problems
    }

    static func channelsYAML(_ extra: [String] = []) -> String {
        (SummaryEndToEndTests.channels.map {
            "      - {id: \($0.id), table: \($0.table.rawValue), address: \($0.address), \($0.yaml)}"
        } + extra).joined(separator: "\n")
    }

    static func server() throws -> ModbusServer {
        let server = try ModbusServer(units: [3])
        server.withRegisters { maps in
            for c in SummaryEndToEndTests.channels { maps[3]!.set(c.table, address: c.address, c.words) }
            maps[3]!.set(.holding, address: 41, [100])
            maps[3]!.set(.holding, address: 50, [0xFE05])          // s8 (high byte) -2, u8 (low byte) 5
            maps[3]!.set(.holding, address: 52, [0x4142, 0x3132])  // label "AB12"
        }
        server.start()
        return server
    }

    /// A Modbus server recording the function codes it is asked for, a unique gateway and group, and a subscriber
    /// to the group's topics.
    final class Setup: @unchecked Sendable {
        let server: ModbusServer
        let functions = Mutex<Set<UInt8>>([])
        let gateway: String
        let group: String
        let subscriber: TestSubscriber

        init(_ stem: String, broker: TestBroker) throws {
            self.server = try SparkplugEndToEndTests.server()
            self.gateway = uniqueGateway(stem)
            self.group = "g\(UInt32.random(in: 0...UInt32.max))"
            self.subscriber = try TestSubscriber(port: broker.port, pattern: "spBv1.0/\(self.group)/#")
            self.server.setHook { [unowned self] request in
                self.functions.withLock { _ = $0.insert(request.function) }
                return .reply
            }
        }

        /// Read-only towards the PLC: only read function codes were received.
        var onlyReads: Bool { self.functions.withLock { $0 }.isSubset(of: [1, 2, 3, 4, 0x11, 0x2B]) }

        func topic(_ type: String, device: String? = nil) -> String {
            "spBv1.0/\(self.group)/\(type)/\(self.gateway)" + (device.map { "/\($0)" } ?? "")
        }
    }

    @Test func birthsComeFirstWithEveryDatatypeAndDataUsesAliasesAndDeadbands() throws {
        let broker = TestBroker.shared
        let setup = try Setup("spb", broker: broker)
        let (server, gateway, group, subscriber) = (setup.server, setup.gateway, setup.group, setup.subscriber)
        defer { server.stop() }
        let agent = try AgentProcess(board: Self.board(
            gateway: gateway, group: group, broker: broker.url, port: server.port,
            channels: Self.channelsYAML([
                "      - {id: banded, table: holding, address: 41, deadband: 5}",
                "      - {id: s8, table: holding, address: 50, type: int8, byte: high}",
                "      - {id: u8, table: holding, address: 50, type: uint8}",
                "      - {id: label, table: holding, address: 52, type: string, length: 2}",
            ])))
        let data = "spBv1.0/\(group)/DDATA/\(gateway)/plc"
        #expect(subscriber.waitFor(data, seconds: 15) != nil, "no DDATA; agent log:\n\(agent.log)")
        // Report by exception: 10 → 20 on `varying`; 100 → 103 on `banded` is inside its deadband of 5, 110 is not.
        sleepSeconds(0.3)
        server.withRegisters { $0[3]!.set(.holding, address: 40, [20]) }
        server.withRegisters { $0[3]!.set(.holding, address: 41, [103]) }
        sleepSeconds(0.3)
        server.withRegisters { $0[3]!.set(.holding, address: 41, [110]) }
        server.withRegisters { $0[3]!.set(.holding, address: 52, [0x4344, 0x3334]) }
        sleepSeconds(1.5)
        let decoded = try SparkplugDecoder.decode(subscriber.messages)
        for m in decoded { #expect(m["error"] == nil, "pysparkplug could not decode \(m)") }

        // tck-id-topics-nbirth-seq-num, tck-id-payloads-nbirth-bdseq, tck-id-payloads-nbirth-rebirth-req.
        let first = try #require(decoded.first)
        #expect(first["type"] as? String == "NBIRTH" && Self.seq(first) == 0)
        #expect(Self.metric(first, "bdSeq")?["datatype"] as? String == "UINT64")
        let rebirth = try #require(Self.metric(first, "Node Control/Rebirth"))
        #expect(rebirth["datatype"] as? String == "BOOLEAN" && rebirth["value"] as? Bool == false)
        // tck-id-topics-dbirth-before-ddata (DBIRTH before any DDATA of the device), births and data not retained.
        let types = decoded.map { $0["type"] as? String ?? "" }
        let birthIndex = try #require(types.firstIndex(of: "DBIRTH"))
        let dataIndex = try #require(types.firstIndex(of: "DDATA"))
        #expect(birthIndex < dataIndex)
        #expect(subscriber.messages.allSatisfy { !$0.retain })
        #expect(Self.checkSequence(decoded) == [])

        // Every datatype, with the value pysparkplug decodes (two's complement integers come back signed).
        let birth = decoded[birthIndex]
        for c in SummaryEndToEndTests.channels {
            let m = try #require(Self.metric(birth, c.id), "\(c.id) missing from DBIRTH")
            #expect(m["datatype"] as? String == Self.datatypes[c.id], "\(c.id): \(m)")
            let expected: Double = Self.datatypes[c.id] == "FLOAT" ? Double(Float(c.value)) : c.value
            let value: Double? = (m["value"] as? Bool).map { $0 ? 1 : 0 } ?? (m["value"] as? NSNumber)?.doubleValue
            #expect(value == expected, "\(c.id): \(String(describing: m["value"])) != \(expected)")
        }
        #expect(Self.metric(birth, "s8")?["value"] as? Int == -2 && Self.metric(birth, "s8")?["datatype"] as? String == "INT8")
        #expect(Self.metric(birth, "u8")?["value"] as? Int == 5 && Self.metric(birth, "u8")?["datatype"] as? String == "UINT8")
        #expect(Self.metric(birth, "label")?["value"] as? String == "AB12")
        #expect(Self.metric(birth, "label")?["datatype"] as? String == "STRING")
        // tck-id-payloads-alias-uniqueness; summary and alert metrics are declared in the birth.
        let aliases = Self.metrics(birth).compactMap { $0["alias"] as? Int }
        #expect(aliases.count == Self.metrics(birth).count && Set(aliases).count == aliases.count)
        #expect(Self.metric(birth, "f32_abcd/mean")?["datatype"] as? String == "DOUBLE")
        #expect(Self.metric(birth, "f32_abcd/score")?["datatype"] as? String == "DOUBLE")
        #expect(Self.metric(birth, "f32_abcd/alert/spike")?["datatype"] as? String == "BOOLEAN")

        // Data carries aliases only (tck-id-payloads-alias-data-cmd-requirement): no names, no datatypes.
        let dataMessages = decoded.filter { $0["type"] as? String == "DDATA" }
        for m in dataMessages {
            let raw = (m["raw"] as? [String: Any])?["metrics"] as? [[String: Any]] ?? []
            #expect(raw.allSatisfy { $0["name"] == nil && $0["alias"] != nil && $0["datatype"] == nil })
        }
        // The periodic full report: every value and the summary metrics of the interval.
        let full = try #require(dataMessages.first { Self.metric($0, "f32_abcd/mean") != nil })
        #expect((Self.metric(full, "i16_dcba")?["value"] as? Int) == -12345)
        #expect((Self.metric(full, "f32_abcd/min")?["value"] as? Double) == Double(Float(123.456)))
        // Report by exception: `varying` alone when it changed; `banded` at 110, never at 103.
        let exceptions = dataMessages.filter { Self.metric($0, "f32_abcd/mean") == nil }
        #expect(exceptions.contains { Self.metrics($0).count == 1 && Self.metric($0, "varying")?["value"] as? Int == 20 })
        let banded = exceptions.compactMap { Self.metric($0, "banded")?["value"] as? Int }
        #expect(banded.contains(110) && !banded.contains(103), "banded reported as \(banded)")
        #expect(exceptions.contains { Self.metric($0, "label")?["value"] as? String == "CD34" })
        // Read-only towards the PLC: only read function codes.
        #expect(setup.onlyReads)
        _ = agent
    }

    @Test func rebirthOnCommandAndEveryOtherCommandIsRefusedAndCounted() throws {
        let broker = TestBroker.shared
        let setup = try Setup("spb-cmd", broker: broker)
        let (server, gateway, group, subscriber) = (setup.server, setup.gateway, setup.group, setup.subscriber)
        defer { server.stop() }
        let agent = try AgentProcess(board: Self.board(gateway: gateway, group: group, broker: broker.url,
                                                       port: server.port, channels: Self.channelsYAML()))
        let dbirth = "spBv1.0/\(group)/DBIRTH/\(gateway)/plc"
        #expect(subscriber.waitFor(dbirth, seconds: 15) != nil, "no DBIRTH; agent log:\n\(agent.log)")
        sleepSeconds(0.5)
        let before = subscriber.messages.count
        let publisher = try MosquittoClient(options: .init(clientID: "host-\(gateway)", host: "127.0.0.1", port: broker.port))
        try publisher.start()
        #expect(waitUntil(seconds: 5) { publisher.isConnected })
        try publisher.publish(MQTTMessage(topic: "spBv1.0/\(group)/NCMD/\(gateway)",
                                          payload: try SparkplugDecoder.command([("Node Control/Rebirth", true)]), qos: 0, retain: false))
        // tck-id-operational-behavior-edge-node-rebirth: NBIRTH (seq 0) and the DBIRTHs again.
        #expect(waitUntil(seconds: 5) {
            subscriber.messages.dropFirst(before).contains { $0.topic == dbirth }
        }, "no rebirth; agent log:\n\(agent.log)")
        // Writes are refused and counted: a node command other than rebirth, and a device command.
        try publisher.publish(MQTTMessage(topic: "spBv1.0/\(group)/NCMD/\(gateway)",
                                          payload: try SparkplugDecoder.command([("Node Control/Reboot", true)]), qos: 0, retain: false))
        try publisher.publish(MQTTMessage(topic: "spBv1.0/\(group)/DCMD/\(gateway)/plc",
                                          payload: try SparkplugDecoder.command([("varying", true)]), qos: 0, retain: false))
        let ndata = "spBv1.0/\(group)/NDATA/\(gateway)"
        var refused: Int?
        _ = waitUntil(seconds: 5) {
            let decoded = (try? SparkplugDecoder.decode(subscriber.messages)) ?? []
            refused = decoded.last { $0["topic"] as? String == ndata }.flatMap {
                Self.metric($0, "Node Info/Commands Refused")?["value"] as? Int
            }
            return refused == 2
        }
        #expect(refused == 2, "agent log:\n\(agent.log)")
        #expect(agent.log.contains("command refused"))
        let decoded = try SparkplugDecoder.decode(subscriber.messages)
        let births = decoded.filter { $0["type"] as? String == "NBIRTH" }
        #expect(births.count == 2)
        let bdSeqs = births.compactMap { Self.metric($0, "bdSeq")?["value"] as? Int }
        #expect(bdSeqs.count == 2 && bdSeqs[0] == bdSeqs[1], "a rebirth keeps the session's bdSeq")
        #expect(Self.checkSequence(decoded) == [])
        #expect(setup.onlyReads)
        publisher.stop()
    }

    @Test func willCarriesTheBirthsBdSeqAfterSigkillAndARestartIncrementsIt() throws {
        let broker = TestBroker.shared
        let server = try Self.server()
        defer { server.stop() }
        let gateway = uniqueGateway("spb-kill")
        let group = "g\(UInt32.random(in: 0...UInt32.max))"
        let subscriber = try TestSubscriber(port: broker.port, pattern: "spBv1.0/\(group)/#")
        let state = TemporaryDirectory()
        let board = Self.board(gateway: gateway, group: group, broker: broker.url, port: server.port,
                               channels: Self.channelsYAML())
        let nbirth = "spBv1.0/\(group)/NBIRTH/\(gateway)"
        let ndeath = "spBv1.0/\(group)/NDEATH/\(gateway)"
        var agent = try AgentProcess(board: board, stateDirectory: state.path)
        #expect(subscriber.waitFor(nbirth, seconds: 15) != nil, "no NBIRTH; agent log:\n\(agent.log)")
        agent.child.signal(SIGKILL)
        _ = agent.child.wait(seconds: 5)
        // tck-id-payloads-ndeath-will-message, tck-id-payloads-nbirth-bdseq: the broker sends the will, whose bdSeq
        // is the birth's.
        #expect(subscriber.waitFor(ndeath, seconds: 10) != nil, "no NDEATH from the will")
        agent = try AgentProcess(board: board, stateDirectory: state.path)
        #expect(waitUntil(seconds: 15) { subscriber.messages(on: nbirth).count == 2 }, "no second NBIRTH:\n\(agent.log)")
        let decoded = try SparkplugDecoder.decode(subscriber.messages)
        let bdSeq = { (type: String) in
            decoded.filter { $0["type"] as? String == type }.compactMap { Self.metric($0, "bdSeq")?["value"] as? Int }
        }
        let births = bdSeq("NBIRTH"), deaths = bdSeq("NDEATH")
        #expect(births.count == 2 && deaths.count == 1)
        #expect(deaths.first == births.first, "will bdSeq \(deaths) vs birth \(births)")
        #expect(births.count == 2 && births[1] == (births[0] + 1) % 256, "bdSeq after restart: \(births)")
        // NDEATH carries no seq (tck-id-payloads-ndeath-seq).
        let death = try #require(decoded.first { $0["type"] as? String == "NDEATH" })
        #expect((death["raw"] as? [String: Any])?["seq"] == nil && (death["raw"] as? [String: Any])?["timestamp"] != nil)
        // A clean stop publishes the NDEATH itself (the broker sends no will after DISCONNECT).
        agent.child.signal(SIGTERM)
        #expect(agent.child.wait(seconds: 6) == 0)
        #expect(waitUntil(seconds: 5) { subscriber.messages(on: ndeath).count == 2 })
    }

    @Test func deviceDeathWhenItStopsAnsweringAndBirthWhenItIsBack() throws {
        let broker = TestBroker.shared
        let server = try Self.server()
        defer { server.stop() }
        let silent = Mutex(false)
        server.setHook { _ in silent.withLock { $0 } ? .ignore : .reply }
        let gateway = uniqueGateway("spb-loss")
        let group = "g\(UInt32.random(in: 0...UInt32.max))"
        let subscriber = try TestSubscriber(port: broker.port, pattern: "spBv1.0/\(group)/#")
        let agent = try AgentProcess(board: Self.board(gateway: gateway, group: group, broker: broker.url,
                                                       port: server.port, channels: Self.channelsYAML()))
        let dbirth = "spBv1.0/\(group)/DBIRTH/\(gateway)/plc"
        let ddeath = "spBv1.0/\(group)/DDEATH/\(gateway)/plc"
        #expect(subscriber.waitFor(dbirth, seconds: 15) != nil, "no DBIRTH; agent log:\n\(agent.log)")
        silent.withLock { $0 = true }
        #expect(subscriber.waitFor(ddeath, seconds: 10) != nil, "no DDEATH; agent log:\n\(agent.log)")
        silent.withLock { $0 = false }
        #expect(waitUntil(seconds: 10) { subscriber.messages(on: dbirth).count == 2 }, "no DBIRTH on return:\n\(agent.log)")
        sleepSeconds(1)
        let decoded = try SparkplugDecoder.decode(subscriber.messages)
        let plc = decoded.filter { $0["device"] as? String == "plc" }.map { $0["type"] as? String ?? "" }
        let death = try #require(plc.firstIndex(of: "DDEATH"))
        // No data between the death and the next birth (tck-id-operational-behavior-device-ddeath).
        let rebirth = try #require(plc[death...].firstIndex(of: "DBIRTH"))
        #expect(!plc[death..<rebirth].contains("DDATA"), "\(plc)")
        #expect(plc[rebirth...].contains("DDATA"))
        #expect(decoded.first { $0["type"] as? String == "DDEATH" }.map { Self.seq($0) != nil } == true)
        #expect(Self.checkSequence(decoded) == [])
    }

    @Test func aFailedBlockIsSentAsNullWithQualityBadAndTheDeviceStaysBorn() throws {
        let broker = TestBroker.shared
        let setup = try Setup("spb-quality", broker: broker)
        defer { setup.server.stop() }
        let failing = Mutex(false)
        setup.server.setHook { request in
            request.function == 4 && failing.withLock { $0 } ? .exception(.illegalDataAddress) : .reply
        }
        let agent = try AgentProcess(board: Self.board(gateway: setup.gateway, group: setup.group, broker: broker.url,
                                                       port: setup.server.port, channels: Self.channelsYAML()))
        #expect(setup.subscriber.waitFor(setup.topic("DBIRTH", device: "plc"), seconds: 15) != nil, "agent log:\n\(agent.log)")
        sleepSeconds(0.3)
        failing.withLock { $0 = true }
        sleepSeconds(1)
        failing.withLock { $0 = false }
        sleepSeconds(1)
        let decoded = try SparkplugDecoder.decode(setup.subscriber.messages)
        let data = decoded.filter { $0["type"] as? String == "DDATA" && Self.metric($0, "f32_abcd/mean") == nil }
        // The input registers' block failed: its channels null, with the property Quality = 0 (Bad).
        let bad = try #require(data.first { Self.metric($0, "u64_dcba")?["is_null"] as? Bool == true },
                               "no null u64_dcba in \(data.map { Self.metrics($0).map { $0["name"] ?? "" } })")
        let raw = ((bad["raw"] as? [String: Any])?["metrics"] as? [[String: Any]])?.first { $0["is_null"] as? Bool == true }
        let properties = raw?["properties"] as? [String: Any]
        #expect(properties?["keys"] as? [String] == ["Quality"])
        let values = properties?["values"] as? [[String: Any]]
        #expect(values?.first?["type"] as? Int == 3 && (values?.first?["int_value"] as? Int ?? -1) == 0, "\(String(describing: raw))")
        // Then good again, with the value; the device was never declared dead.
        let index = try #require(data.firstIndex { $0["timestamp"] as? Int == bad["timestamp"] as? Int })
        #expect(data[index...].contains { Self.metric($0, "u64_dcba")?["value"] as? Int != nil })
        #expect(!decoded.contains { $0["type"] as? String == "DDEATH" })
        #expect(Self.checkSequence(decoded) == [])
    }

    @Test func anOutageIsReplayedAsHistoricalDataInTheNextSession() throws {
        let broker = try TestBroker()
        let server = try Self.server()
        defer { server.stop() }
        let gateway = uniqueGateway("spb-outage")
        let group = "g\(UInt32.random(in: 0...UInt32.max))"
        let subscriber = try TestSubscriber(port: broker.port, pattern: "spBv1.0/\(group)/#")
        let agent = try AgentProcess(board: Self.board(gateway: gateway, group: group, broker: broker.url,
                                                       port: server.port, summary: "300ms", channels: Self.channelsYAML()))
        let data = "spBv1.0/\(group)/DDATA/\(gateway)/plc"
        #expect(subscriber.waitFor(data, seconds: 15) != nil, "no DDATA; agent log:\n\(agent.log)")
        subscriber.stop()
        let outageStart = Int(Date().timeIntervalSince1970 * 1000)
        broker.stop()
        sleepSeconds(3)
        let outageEnd = Int(Date().timeIntervalSince1970 * 1000)
        try broker.start()
        let after = try TestSubscriber(port: broker.port, pattern: "spBv1.0/\(group)/#")
        #expect(waitUntil(seconds: 20) {
            after.messages(on: data).count >= 12
        }, "agent log:\n\(agent.log)")
        let decoded = try SparkplugDecoder.decode(after.messages)
        for m in decoded { #expect(m["error"] == nil, "\(m)") }
        // The replay comes in a new session: NBIRTH first, and every full report of the outage, historical.
        let historical = decoded.filter { m in
            m["type"] as? String == "DDATA" && !Self.metrics(m).isEmpty && Self.metrics(m).allSatisfy { $0["is_historical"] as? Bool == true }
        }
        let types = decoded.map { $0["type"] as? String ?? "" }
        let firstHistorical = try #require(decoded.firstIndex { m in historical.contains { $0["seq"] as? Int == m["seq"] as? Int } })
        #expect(types.firstIndex(of: "NBIRTH") == 0 && (types.firstIndex(of: "DBIRTH") ?? .max) < firstHistorical)
        let stamps = historical.compactMap { $0["timestamp"] as? Int }
        #expect(stamps.filter { $0 > outageStart + 300 && $0 < outageEnd }.count >= 7,
                "historical records \(stamps) for an outage \(outageStart)–\(outageEnd)")
        let live = decoded.filter { m in
            m["type"] as? String == "DDATA" && Self.metrics(m).allSatisfy { $0["is_historical"] as? Bool == false }
        }
        #expect(!live.isEmpty && live.allSatisfy { ($0["timestamp"] as? Int ?? 0) >= outageEnd - 500 })
        #expect(Self.checkSequence(decoded) == [])
        // The reconnect is a new session with a new bdSeq, and the will was set again before it: killed now, the
        // agent's NDEATH carries the new session's bdSeq.
        let bdSeq = { (messages: [[String: Any]], type: String) in
            messages.filter { $0["type"] as? String == type }.compactMap { Self.metric($0, "bdSeq")?["value"] as? Int }
        }
        let firstSession = bdSeq(try SparkplugDecoder.decode(subscriber.messages), "NBIRTH")
        let secondSession = bdSeq(decoded, "NBIRTH")
        #expect(firstSession.count == 1 && secondSession.count == 1)
        #expect(secondSession.first.map { b in firstSession.first.map { b != $0 && b > 0 } ?? false } == true,
                "bdSeq \(firstSession) then \(secondSession)")
        agent.child.signal(SIGKILL)
        _ = agent.child.wait(seconds: 5)
        let death = "spBv1.0/\(group)/NDEATH/\(gateway)"
        #expect(after.waitFor(death, seconds: 10) != nil, "no NDEATH after the reconnect")
        #expect(bdSeq(try SparkplugDecoder.decode(after.messages(on: death)), "NDEATH") == secondSession)
    }

    @Test func alertsAreBooleanMetricsAndADeadDeviceIsBornWithThem() throws {
        let broker = TestBroker.shared
        let setup = try Setup("spb-alert", broker: broker)
        defer { setup.server.stop() }
        setup.server.withRegisters { $0[3]!.set(.holding, address: 60, [70]) }  // outside [0, 50] from the start
        let agent = try AgentProcess(board: Self.board(
            gateway: setup.gateway, group: setup.group, broker: broker.url, port: setup.server.port,
            channels: "      - {id: level, table: holding, address: 60, detectors: {range: {min: 0, max: 50, clear_after: 100ms}}}"))
        let dbirth = setup.topic("DBIRTH", device: "plc")
        #expect(setup.subscriber.waitFor(dbirth, seconds: 15) != nil, "agent log:\n\(agent.log)")
        sleepSeconds(0.5)
        // Back inside: the alert closes (after 100 ms and 12 samples clear), then opens again.
        setup.server.withRegisters { $0[3]!.set(.holding, address: 60, [20]) }
        sleepSeconds(1.5)
        setup.server.withRegisters { $0[3]!.set(.holding, address: 60, [90]) }
        sleepSeconds(1)
        let decoded = try SparkplugDecoder.decode(setup.subscriber.messages)
        #expect(Self.checkSequence(decoded) == [])
        let birth = try #require(decoded.first { $0["type"] as? String == "DBIRTH" })
        let metric = try #require(Self.metric(birth, "level/alert/range"))
        #expect(metric["datatype"] as? String == "BOOLEAN")
        // The alert opened with the first read, before the device was born: the birth carries it.
        #expect(metric["value"] as? Bool == true, "\(metric)")
        let alertValues = decoded.filter { $0["type"] as? String == "DDATA" }
            .compactMap { Self.metric($0, "level/alert/range")?["value"] as? Bool }
        #expect(alertValues == [false, true], "alert metric in DDATA: \(alertValues); agent log:\n\(agent.log)")
    }

    @Test func aReloadSendsTheBirthsAgainWithTheNewChannelAndKnownValues() throws {
        let broker = TestBroker.shared
        let setup = try Setup("spb-reload", broker: broker)
        defer { setup.server.stop() }
        let board = { (extra: [String]) in
            Self.board(gateway: setup.gateway, group: setup.group, broker: broker.url, port: setup.server.port,
                       channels: Self.channelsYAML(extra))
        }
        let agent = try AgentProcess(board: board([]))
        let dbirth = setup.topic("DBIRTH", device: "plc")
        #expect(setup.subscriber.waitFor(dbirth, seconds: 15) != nil, "agent log:\n\(agent.log)")
        sleepSeconds(0.5)
        try board(["      - {id: added, table: holding, address: 41}"])
            .write(toFile: agent.boardPath, atomically: true, encoding: .utf8)
        agent.child.signal(SIGHUP)
        #expect(waitUntil(seconds: 10) { setup.subscriber.messages(on: dbirth).count == 2 }, "agent log:\n\(agent.log)")
        sleepSeconds(0.5)
        let decoded = try SparkplugDecoder.decode(setup.subscriber.messages)
        #expect(Self.checkSequence(decoded) == [])
        #expect(decoded.filter { $0["type"] as? String == "NBIRTH" }.count == 2, "a rebirth after the reload")
        let births = decoded.filter { $0["type"] as? String == "DBIRTH" }
        #expect(births.count == 2 && Self.metric(births[0], "added") == nil && Self.metric(births[1], "added") != nil)
        // The channels the reload kept are born with their values, not as unknown.
        #expect(Self.metric(births[1], "i16_dcba")?["value"] as? Int == -12345, "\(String(describing: Self.metric(births[1], "i16_dcba")))")
        // Aliases of the new table are unique again.
        let aliases = Self.metrics(births[1]).compactMap { $0["alias"] as? Int }
        #expect(Set(aliases).count == aliases.count && aliases.count == Self.metrics(births[1]).count)
        #expect(setup.onlyReads)
    }

    @Test func seqWrapsFrom255ToZeroWithinASession() throws {
        let broker = TestBroker.shared
        let server = try Self.server()
        defer { server.stop() }
        let running = Atomic<Bool>(true)
        let changer = Thread {
            var v: UInt16 = 0
            while running.load(ordering: .relaxed) {
                v &+= 1
                server.withRegisters { $0[3]!.set(.holding, address: 40, [v]) }
                usleep(5_000)
            }
        }
        changer.start()
        defer { running.store(false, ordering: .relaxed) }
        let gateway = uniqueGateway("spb-wrap")
        let group = "g\(UInt32.random(in: 0...UInt32.max))"
        let subscriber = try TestSubscriber(port: broker.port, pattern: "spBv1.0/\(group)/#")
        let agent = try AgentProcess(board: Self.board(gateway: gateway, group: group, broker: broker.url,
                                                       port: server.port, poll: "10ms", channels: Self.channelsYAML()))
        #expect(waitUntil(seconds: 30) { subscriber.messages.count > 300 }, "agent log:\n\(agent.log)")
        let decoded = try SparkplugDecoder.decode(subscriber.messages)
        let seqs = decoded.compactMap { Self.seq($0) }
        #expect(seqs.contains(255) && seqs.firstIndex(of: 255).map { seqs[($0 + 1)...].first == 0 } == true)
        #expect(decoded.filter { $0["type"] as? String == "NBIRTH" }.count == 1)
        #expect(Self.checkSequence(decoded) == [])
    }
}
