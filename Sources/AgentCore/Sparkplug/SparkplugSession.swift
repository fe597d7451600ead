import Logging
import Mosquitto
import Posix
import Sparkplug
import Spool
import Synchronization

/// The Edge Node's Sparkplug session: `bdSeq` (persisted, one per MQTT connection), the message `seq` (0–255,
/// shared by NBIRTH, NDATA, DBIRTH, DDATA and DDEATH), which devices are born in the current session, and the
/// commands received.
///
/// Every Sparkplug message is numbered and handed to libmosquitto under one lock, so `seq` order is publish
/// order whatever thread publishes (the spool sender for data, bus threads for device births and deaths, the
/// main loop for node data).
public final class SparkplugSession: @unchecked Sendable {
    struct State {
        var seq: UInt64 = 0
        var bdSeq: UInt64?
        var nodeBorn = false
        var born: Set<String> = []
        var online: Set<String> = []
        var devices: [SparkplugDevice] = []
        var rewriter = ProtobufWriter(capacity: 4096)
        var spool: SpoolStatistics?
    }

    public let topics: SparkplugTopics
    private let state = Mutex(State())
    private let bdSeqPath: String
    private let logger: Logger
    /// Publishes a message, not retained; returns the message id, or nil when libmosquitto refused it.
    var publish: (String, [UInt8], Int) -> Int32? = { _, _, _ in nil }
    /// Wakes the spool sender (a rebirth was asked for).
    var wake: () -> Void = {}
    let rebirthRequested = Atomic<Bool>(false)
    public let refusedCommands = Atomic<Int>(0)
    public let rebirths = Atomic<Int>(0)

    /// Node metrics with aliases (NBIRTH names them, NDATA refers to them by alias).
    static let nodeInfo: [(name: String, datatype: SparkplugDataType)] = [
        ("Node Info/Version", .string), ("Node Info/Spool Bytes", .uint64), ("Node Info/Spool Records", .uint64),
        ("Node Info/Dropped", .uint64), ("Node Info/Commands Refused", .uint64),
    ]
    /// The first alias of the first device (node metrics use 1 to 5).
    static let firstDeviceAlias: UInt64 = 16

    init(group: String, edgeNode: String, stateDirectory: String, logger: Logger) {
        self.topics = SparkplugTopics(group: group, edgeNode: edgeNode)
        self.bdSeqPath = "\(stateDirectory)/sparkplug-bdseq"
        self.logger = logger
        if let bytes = try? FileReader.read(self.bdSeqPath, limit: 64),
           let value = UInt64(String(decoding: bytes, as: UTF8.self).filter { $0 != "\n" }), value < 256
        {
            self.state.withLock { $0.bdSeq = value }
        }
    }

    /// Sets the devices (at start and after a reload); a running session sends its births again.
    func setDevices(_ devices: [SparkplugDevice]) {
        let born = self.state.withLock { s -> Bool in
            s.devices = devices
            return s.nodeBorn
        }
        if born { self.requestRebirth() }
    }

    /// Assigns the next `bdSeq` (0 for the first session ever, then + 1 modulo 256, persisted before use) and
    /// returns the will for the connection about to be made: NDEATH with that `bdSeq`, QoS 1, not retained.
    func nextConnection() -> MQTTMessage {
        let payload = self.state.withLock { s -> [UInt8] in
            let next = s.bdSeq.map { ($0 + 1) % 256 } ?? 0
            s.bdSeq = next
            do {
                try FileWriter.write("\(next)\n", to: self.bdSeqPath, durable: true)
            } catch {
                self.logger.error("sparkplug: bdSeq not persisted", metadata: ["path": "\(self.bdSeqPath)", "error": "\(error)"])
            }
            return Self.deathPayload(bdSeq: next)
        }
        return MQTTMessage(topic: self.topics.nodeDeath, payload: payload, qos: 1, retain: false)
    }

    /// NDEATH: timestamp and the `bdSeq` metric, no `seq`.
    static func deathPayload(bdSeq: UInt64) -> [UInt8] {
        var encoder = PayloadEncoder(capacity: 64)
        encoder.begin(timestamp: UInt64(WallClock.nowMilliseconds()))
        encoder.nodeMetric(name: "bdSeq", datatype: .uint64, value: .number(Double(bdSeq)))
        encoder.finish(seq: nil)
        return encoder.bytes
    }

    /// The NDEATH of the current session, for a clean stop (the broker sends the will only on a lost connection).
    func currentDeath() -> MQTTMessage {
        let bdSeq = self.state.withLock { $0.bdSeq ?? 0 }
        return MQTTMessage(topic: self.topics.nodeDeath, payload: Self.deathPayload(bdSeq: bdSeq), qos: 1, retain: false)
    }

    /// The connection was lost: nothing is born any more.
    func connectionLost() {
        self.state.withLock { s in
            s.nodeBorn = false
            s.born.removeAll()
        }
    }

    func requestRebirth() {
        self.rebirthRequested.store(true, ordering: .releasing)
        self.wake()
    }

    /// Called by the spool sender before it sends records while connected: births for a new session or a
    /// requested rebirth (NBIRTH with `seq` 0, then a DBIRTH for every online device).
    func beforeSending(newSession: Bool) {
        guard newSession || self.rebirthRequested.exchange(false, ordering: .acquiringAndReleasing) else { return }
        if !newSession { self.rebirths.add(1, ordering: .relaxed) }
        self.state.withLock { s in
            let now = UInt64(WallClock.nowMilliseconds())
            s.seq = 0
            var encoder = PayloadEncoder(capacity: 512)
            encoder.begin(timestamp: now)
            encoder.nodeMetric(name: "bdSeq", datatype: .uint64, value: .number(Double(s.bdSeq ?? 0)))
            encoder.nodeMetric(name: "Node Control/Rebirth", datatype: .boolean, value: .number(0))
            self.nodeInfoMetrics(&encoder, s, names: true)
            encoder.finish(seq: 0)
            guard self.publish(self.topics.nodeBirth, encoder.bytes, 0) != nil else { return }
            s.nodeBorn = true
            s.born.removeAll()
            for device in s.devices where s.online.contains(device.id) {
                self.birth(device, &s, now: now)
            }
        }
    }

    private func nodeInfoMetrics(_ encoder: inout PayloadEncoder, _ s: State, names: Bool) {
        let values: [MetricValue] = [
            .text(AgentVersion.current), .number(Double(s.spool?.bytes ?? 0)), .number(Double(s.spool?.records ?? 0)),
            .number(Double(s.spool?.dropped ?? 0)), .number(Double(self.refusedCommands.load(ordering: .relaxed))),
        ]
        for (i, info) in Self.nodeInfo.enumerated() {
            if names {
                encoder.nodeMetric(name: info.name, alias: UInt64(i + 1), datatype: info.datatype, value: values[i])
            } else {
                encoder.metric(alias: UInt64(i + 1), datatype: info.datatype, writeDatatype: false, value: values[i])
            }
        }
    }

    private func nextSeq(_ s: inout State) -> UInt64 {
        s.seq = (s.seq + 1) % 256
        return s.seq
    }

    private func birth(_ device: SparkplugDevice, _ s: inout State, now: UInt64) {
        let payload = device.birthPayload(timestamp: now, seq: self.nextSeq(&s))
        if self.publish(self.topics.deviceBirth(device.id), payload, 0) != nil { s.born.insert(device.id) }
    }

    /// A device answers again (bus thread): DBIRTH now when the node is born, else with the next NBIRTH.
    func deviceOnline(_ device: SparkplugDevice) {
        self.state.withLock { s in
            s.online.insert(device.id)
            if s.nodeBorn && !s.born.contains(device.id) {
                self.birth(device, &s, now: UInt64(WallClock.nowMilliseconds()))
            }
        }
    }

    /// A device went offline (bus thread): DDEATH when it was born in this session.
    func deviceOffline(_ device: SparkplugDevice) {
        self.state.withLock { s in
            s.online.remove(device.id)
            guard s.nodeBorn, s.born.contains(device.id) else { return }
            var encoder = PayloadEncoder(capacity: 32)
            encoder.begin(timestamp: UInt64(WallClock.nowMilliseconds()))
            encoder.finish(seq: self.nextSeq(&s))
            _ = self.publish(self.topics.deviceDeath(device.id), encoder.bytes, 0)
            s.born.remove(device.id)
        }
    }

    /// Sends a spooled data record (spool sender): with the next `seq`, and every metric marked historical when
    /// the record was spooled before this session. Nil when the node is not born (the record stays).
    func send(topic: String, payload: [UInt8], qos: Int, historical: Bool) -> Int32? {
        self.state.withLock { s -> Int32? in
            guard s.nodeBorn else { return nil }
            let seq = self.nextSeq(&s)
            do throws(ProtobufError) {
                try PayloadRewriter.prepare(payload, seq: seq, historical: historical, into: &s.rewriter)
            } catch {
                // The spool's CRC makes this a bug, not bad input: send the record as it is rather than lose it.
                self.logger.error("sparkplug: spooled payload unreadable; sent unchanged", metadata: [
                    "topic": "\(topic)", "error": "\(error)",
                ])
                return self.publish(topic, payload, qos)
            }
            return self.publish(topic, s.rewriter.bytes, qos)
        }
    }

    /// NDATA with the node's figures (spool, refused commands), at every summary interval.
    func publishNodeData(spool: SpoolStatistics) {
        self.state.withLock { s in
            s.spool = spool
            guard s.nodeBorn else { return }
            var encoder = PayloadEncoder(capacity: 128)
            encoder.begin(timestamp: UInt64(WallClock.nowMilliseconds()))
            self.nodeInfoMetrics(&encoder, s, names: false)
            encoder.finish(seq: self.nextSeq(&s))
            _ = self.publish(self.topics.nodeData, encoder.bytes, 0)
        }
    }

    /// A message on NCMD or DCMD (libmosquitto's thread). `Node Control/Rebirth` = true asks for every birth
    /// again; anything else is refused and counted: otsentry never writes to a PLC.
    func handleCommand(topic: String, payload: [UInt8]) {
        let metrics: [CommandMetric]
        do {
            metrics = try CommandMetric.decode(payload)
        } catch {
            self.refusedCommands.add(1, ordering: .relaxed)
            self.logger.warning("sparkplug: unreadable command refused", metadata: ["topic": "\(topic)", "error": "\(error)"])
            return
        }
        let isNodeCommand = topic == self.topics.nodeCommand
        var refused: [String] = []
        for metric in metrics {
            if isNodeCommand && metric.isRebirthRequest {
                self.logger.info("sparkplug: rebirth requested", metadata: ["topic": "\(topic)"])
                self.requestRebirth()
            } else {
                refused.append(metric.name ?? metric.alias.map { "alias \($0)" } ?? "?")
            }
        }
        if metrics.isEmpty { refused.append("(no metric)") }
        guard !refused.isEmpty else { return }
        self.refusedCommands.add(refused.count, ordering: .relaxed)
        self.logger.warning("sparkplug: command refused: otsentry is read-only towards PLCs", metadata: [
            "topic": "\(topic)", "metrics": "\(refused.joined(separator: ", "))",
            "refused_total": "\(self.refusedCommands.load(ordering: .relaxed))",
        ])
    }
}
