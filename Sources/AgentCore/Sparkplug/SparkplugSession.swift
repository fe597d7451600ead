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
        /// Spooled records dropped because their metric table no longer exists (a board change in between).
        var droppedStale = 0
    }

    public let topics: SparkplugTopics
    private let state = Mutex(State())
    private let bdSeqPath: String
    private let logger: Logger
    /// Publishes a message, not retained; returns the message id, or nil when libmosquitto refused it.
    var publish: (String, [UInt8], Int) -> Int32? = { _, _, _ in nil }
    /// Wakes the spool sender (a rebirth was asked for).
    var wake: () -> Void = {}
    /// A device was born: its spooled records that waited for the birth may go.
    var deviceBorn: () -> Void = {}
    let rebirthRequested = Atomic<Bool>(false)
    public let refusedCommands = Atomic<Int>(0)
    public let rebirths = Atomic<Int>(0)

    /// Aliases of the node's own metrics: `Node Control/Rebirth` 1 (a host may send it by alias), `bdSeq` 2, and
    /// the `Node Info/…` figures from 3.
    static let rebirthAlias: UInt64 = 1
    static let bdSeqAlias: UInt64 = 2
    /// Node metrics with aliases (NBIRTH names them, NDATA refers to them by alias).
    static let nodeInfo: [(name: String, datatype: SparkplugDataType)] = [
        ("Node Info/Version", .string), ("Node Info/Spool Bytes", .uint64), ("Node Info/Spool Records", .uint64),
        ("Node Info/Dropped", .uint64), ("Node Info/Commands Refused", .uint64),
    ]
    /// The first alias of the first device (node metrics use 1 to 7).
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
        let next = self.state.withLock { s -> UInt64 in
            // Whatever was born belonged to the previous connection.
            s.nodeBorn = false
            s.born.removeAll()
            let next = s.bdSeq.map { ($0 + 1) % 256 } ?? 0
            s.bdSeq = next
            return next
        }
        do {
            try FileWriter.write("\(next)\n", to: self.bdSeqPath, durable: true)
        } catch {
            self.logger.error("sparkplug: bdSeq not persisted", metadata: ["path": "\(self.bdSeqPath)", "error": "\(error)"])
        }
        return MQTTMessage(topic: self.topics.nodeDeath, payload: Self.deathPayload(bdSeq: next), qos: 1, retain: false)
    }

    /// NDEATH: timestamp and the `bdSeq` metric, no `seq`.
    static func deathPayload(bdSeq: UInt64) -> [UInt8] {
        var encoder = PayloadEncoder(capacity: 64)
        encoder.begin(timestamp: UInt64(WallClock.nowMilliseconds()))
        encoder.nodeMetric(name: "bdSeq", timestamp: UInt64(WallClock.nowMilliseconds()), datatype: .uint64,
                           value: .number(Double(bdSeq)))
        encoder.finish(seq: nil)
        return encoder.bytes
    }

    /// The NDEATH of the current session, for a clean stop (the broker sends the will only on a lost connection).
    func currentDeath() -> MQTTMessage {
        let bdSeq = self.state.withLock { s -> UInt64 in
            s.nodeBorn = false  // nothing more after the death
            return s.bdSeq ?? 0
        }
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
        let rebirth = self.rebirthRequested.exchange(false, ordering: .acquiringAndReleasing)
        let born = self.state.withLock { s -> Bool in
            guard newSession || rebirth || !s.nodeBorn else { return true }
            let now = UInt64(WallClock.nowMilliseconds())
            var encoder = PayloadEncoder(capacity: 512)
            encoder.begin(timestamp: now)
            encoder.nodeMetric(name: "Node Control/Rebirth", alias: Self.rebirthAlias, timestamp: now, datatype: .boolean,
                               value: .number(0))
            encoder.nodeMetric(name: "bdSeq", alias: Self.bdSeqAlias, timestamp: now, datatype: .uint64,
                               value: .number(Double(s.bdSeq ?? 0)))
            self.nodeInfoMetrics(&encoder, s, names: true, timestamp: now)
            encoder.finish(seq: 0)
            guard self.publish(self.topics.nodeBirth, encoder.bytes, 0) != nil else { return false }
            if !newSession && s.nodeBorn { self.rebirths.add(1, ordering: .relaxed) }
            s.seq = 0
            s.nodeBorn = true
            s.born.removeAll()
            for device in s.devices where s.online.contains(device.id) {
                self.birth(device, &s, now: now)
            }
            return true
        }
        // Not sent (the connection went): asked again at the next call while connected.
        if !born && rebirth { self.rebirthRequested.store(true, ordering: .releasing) }
    }

    private func nodeInfoMetrics(_ encoder: inout PayloadEncoder, _ s: State, names: Bool, timestamp: UInt64) {
        let values: [MetricValue] = [
            .text(AgentVersion.current), .number(Double(s.spool?.bytes ?? 0)), .number(Double(s.spool?.records ?? 0)),
            .number(Double((s.spool?.dropped ?? 0) + s.droppedStale)),
            .number(Double(self.refusedCommands.load(ordering: .relaxed))),
        ]
        for (i, info) in Self.nodeInfo.enumerated() {
            let alias = UInt64(i + 3)
            if names {
                encoder.nodeMetric(name: info.name, alias: alias, timestamp: timestamp, datatype: info.datatype,
                                   value: values[i])
            } else {
                encoder.metric(alias: alias, timestamp: timestamp, datatype: info.datatype, writeDatatype: false,
                               value: values[i])
            }
        }
    }

    /// Publishes a numbered message: `seq` advances only when libmosquitto took it.
    private func publishNumbered(_ topic: String, _ s: inout State, _ build: (UInt64) -> [UInt8]) -> Int32? {
        let seq = (s.seq + 1) % 256
        guard let mid = self.publish(topic, build(seq), 0) else { return nil }
        s.seq = seq
        return mid
    }

    private func birth(_ device: SparkplugDevice, _ s: inout State, now: UInt64) {
        let sent = self.publishNumbered(device.birthTopic, &s) { seq in device.birthPayload(timestamp: now, seq: seq) }
        if sent != nil {
            s.born.insert(device.id)
            self.deviceBorn()
        }
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
            _ = self.publishNumbered(device.deathTopic, &s) { seq in
                var encoder = PayloadEncoder(capacity: 32)
                encoder.begin(timestamp: UInt64(WallClock.nowMilliseconds()))
                encoder.finish(seq: seq)
                return encoder.bytes
            }
            // Dead for the host whether or not the DDEATH went out (if not, the connection is gone too).
            s.born.remove(device.id)
        }
    }

    /// Sends a spooled data record (spool sender): with the next `seq`, and every metric marked historical when
    /// the record was spooled before this session. A record waits while its device is not born in this session
    /// (the host would reject it), and is dropped when it was spooled under a metric table that no longer exists
    /// (a board change in between: its aliases would name other metrics).
    func send(topic: String, payload: [UInt8], qos: Int, historical: Bool) -> Delivery.Outcome {
        self.state.withLock { s -> Delivery.Outcome in
            guard s.nodeBorn else { return .notNow }
            guard let device = s.devices.first(where: { $0.dataTopic == topic }) else {
                return self.dropStale(&s, topic: topic, why: "no such device in the board")
            }
            guard s.born.contains(device.id) else { return .later }
            let seq = (s.seq + 1) % 256
            let table: ArraySlice<UInt8>?
            do throws(ProtobufError) {
                table = try PayloadRewriter.prepare(payload, seq: seq, historical: historical, into: &s.rewriter)
            } catch {
                // The spool's CRC makes this a bug, not bad input.
                return self.dropStale(&s, topic: topic, why: "unreadable payload: \(error)")
            }
            guard let table, table.elementsEqual(device.tableFingerprint.utf8) else {
                return self.dropStale(&s, topic: topic, why: "spooled under another metric table (the board changed)")
            }
            guard let mid = self.publish(topic, s.rewriter.bytes, qos) else { return .notNow }
            s.seq = seq
            return .sent(mid)
        }
    }

    private func dropStale(_ s: inout State, topic: String, why: String) -> Delivery.Outcome {
        s.droppedStale += 1
        if s.droppedStale == 1 || s.droppedStale % 1000 == 0 {
            self.logger.warning("sparkplug: spooled record dropped (counted in Node Info/Dropped)", metadata: [
                "topic": "\(topic)", "reason": "\(why)", "dropped_so_far": "\(s.droppedStale)",
            ])
        }
        return .dropped
    }

    /// NDATA with the node's figures (spool, refused commands), at every summary interval.
    func publishNodeData(spool: SpoolStatistics) {
        self.state.withLock { s in
            s.spool = spool
            guard s.nodeBorn else { return }
            let now = UInt64(WallClock.nowMilliseconds())
            let snapshot = s
            _ = self.publishNumbered(self.topics.nodeData, &s) { seq in
                var encoder = PayloadEncoder(capacity: 128)
                encoder.begin(timestamp: now)
                self.nodeInfoMetrics(&encoder, snapshot, names: false, timestamp: now)
                encoder.finish(seq: seq)
                return encoder.bytes
            }
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
            if isNodeCommand && metric.isRebirthRequest(alias: Self.rebirthAlias) {
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
            "topic": "\(topic)", "metrics": "\(refused.prefix(10).joined(separator: ", "))\(refused.count > 10 ? ", …" : "")",
            "refused_total": "\(self.refusedCommands.load(ordering: .relaxed))",
        ])
    }
}
