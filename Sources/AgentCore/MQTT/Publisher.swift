import BoardFile
import Logging
import Mosquitto
import Posix
import Spool
import Synchronization

/// The agent's MQTT side: one libmosquitto client with the gateway will, the retained status messages, and
/// publishing for the bus threads.
///
/// Retained messages (gateway and device status) are remembered and published again after every (re)connect, so
/// a broker that lost its retained store (restarted without persistence) is repaired at once.
public final class Publisher: Sendable {
    public let topics: Topics
    public let summaryQoS: Int
    private let client: MosquittoClient
    private let logger: Logger
    private let retained = Mutex<[(topic: String, payload: [UInt8])]>([])
    /// Message ids acknowledged while ``stop(timeoutNanoseconds:)`` waits (nil when nobody waits).
    private let acknowledged = Mutex<Set<Int32>?>(nil)
    private let state: PublisherState
    /// The Sparkplug session with `mqtt.format: sparkplug`; the JSON topics (status, summaries, alerts) are then
    /// not published, and the will is the Sparkplug NDEATH.
    let sparkplug: SparkplugSession?

    /// QoS of the status messages and of the will.
    public static let statusQoS = 1

    init(board: Board, password: String? = nil, logger: Logger, delivery: Delivery? = nil,
         sparkplug: SparkplugSession? = nil) throws(MosquittoError) {
        let topics = Topics(board: board)
        var options = MosquittoClient.Options(clientID: board.mqtt.clientID, host: board.mqtt.endpoint.host,
                                              port: board.mqtt.endpoint.port)
        options.username = board.mqtt.username
        options.password = password
        if let tls = board.mqtt.tls {
            var t = TLSOptions(caFile: tls.caFile, certFile: tls.certFile, keyFile: tls.keyFile)
            t.minimumVersion = tls.minVersion
            options.tls = t
        }
        if sparkplug == nil {
            options.will = MQTTMessage(topic: topics.gatewayStatus,
                                       payload: Self.gatewayStatus(online: false, at: WallClock.nowMilliseconds()),
                                       qos: Self.statusQoS, retain: true)
        }
        let state = PublisherState()
        var events = MosquittoClient.Events()
        if let sparkplug {
            // A new bdSeq and its NDEATH as the will before every connection attempt, reconnects included.
            events.beforeConnect = { sparkplug.nextConnection() }
            events.message = { message in sparkplug.handleCommand(topic: message.topic, payload: message.payload) }
        }
        let endpoint = "\(board.mqtt.endpoint)"
        events.connected = { rc in
            guard rc == 0 else {
                logger.error("broker refused the connection", metadata: [
                    "broker": "\(endpoint)", "reason": "\(MosquittoError.connackReason(rc))",
                ])
                return
            }
            logger.info("connected to broker", metadata: ["broker": "\(endpoint)"])
            state.lastConnectFailureLog.store(0, ordering: .releasing)
            state.onConnect?()
            state.onConnectionChange?(true)
        }
        events.disconnected = { rc in
            sparkplug?.connectionLost()
            state.onConnectionChange?(false)
            if rc != 0 {
                logger.warning("broker connection lost; reconnecting", metadata: [
                    "broker": "\(endpoint)", "reason": "\(MosquittoError.text(rc))",
                ])
            }
        }
        events.connectFailed = { error in
            // Once per outage (and once a minute while it lasts), not at every attempt; a TLS failure is an
            // error naming its cause (the broker is reachable but not trusted, or does not trust us).
            let now = MonotonicClock.now()
            let last = state.lastConnectFailureLog.load(ordering: .acquiring)
            if last == 0 || now - last > 60_000_000_000 {
                state.lastConnectFailureLog.store(now, ordering: .releasing)
                if let cause = error.tlsCause {
                    logger.error("TLS connection to the broker failed; retrying with backoff", metadata: [
                        "broker": "\(endpoint)", "cause": "\(cause)", "error": "\(error)",
                    ])
                } else {
                    logger.warning("broker unreachable; retrying with backoff", metadata: [
                        "broker": "\(endpoint)", "error": "\(error)",
                    ])
                }
            }
        }
        events.published = { mid in state.onPublished?(mid) }
        self.client = try MosquittoClient(options: options, events: events)
        self.topics = topics
        self.summaryQoS = board.mqtt.qos
        self.logger = logger
        self.state = state
        self.delivery = delivery
        self.sparkplug = sparkplug
        let client = self.client
        // Not retained; the message id, or nil (logged) when libmosquitto refused the message.
        let send: @Sendable (String, [UInt8], Int) -> Int32? = { topic, payload, qos in
            payload.withUnsafeBytes { bytes in
                do {
                    return try client.publish(topic: topic, payload: bytes, qos: qos, retain: false)
                } catch {
                    logger.error("publish failed", metadata: ["topic": "\(topic)", "error": "\(error)"])
                    return nil
                }
            }
        }
        if let sparkplug {
            // Sparkplug numbers every message: one that cannot go out now must not take a seq.
            sparkplug.publish = { topic, payload, qos in
                payload.withUnsafeBytes { bytes in
                    try? client.publish(topic: topic, payload: bytes, qos: qos, retain: false, requireConnection: true)
                }
            }
            if let delivery {
                delivery.send = { topic, payload, qos, historical in
                    sparkplug.send(topic: topic, payload: payload, qos: qos, historical: historical)
                }
                delivery.beforeSending = { newSession in sparkplug.beforeSending(newSession: newSession) }
                sparkplug.wake = { delivery.wakeUp() }
                sparkplug.deviceBorn = { delivery.recordsMaySend() }
            }
        } else if let delivery {
            delivery.send = { topic, payload, qos, _ in send(topic, payload, qos).map { .sent($0) } ?? .notNow }
        }
        if let delivery {
            state.onConnectionChange = { up in delivery.connectionChanged(up) }
        }
        state.onConnect = { [unowned self] in
            if let sparkplug = self.sparkplug {
                // Commands are received to answer rebirth requests, and to count and refuse everything else.
                for pattern in [sparkplug.topics.nodeCommand, sparkplug.topics.deviceCommands] {
                    do {
                        try self.client.subscribe(pattern, qos: 1)
                    } catch {
                        self.logger.error("sparkplug: cannot subscribe", metadata: ["topic": "\(pattern)", "error": "\(error)"])
                    }
                }
            } else {
                self.republishRetained()
            }
        }
        state.onPublished = { [unowned self] mid in
            self.acknowledged.withLock { set in _ = set?.insert(mid) }
            self.delivery?.acknowledged(mid)
        }
    }

    public var isConnected: Bool { self.client.isConnected }

    /// Starts connecting (in the background) and publishes the gateway's `online` status once connected.
    public func start() throws(MosquittoError) {
        if self.sparkplug == nil {
            self.setRetained(self.topics.gatewayStatus,
                             Self.gatewayStatus(online: true, at: WallClock.nowMilliseconds()), publish: false)
        }
        try self.client.start()
    }

    /// The store-and-forward path of summaries and alert events.
    let delivery: Delivery?

    /// Sends a message that is not kept in the spool (QoS as given, not retained).
    public func publish(topic: String, payload: UnsafeRawBufferPointer, qos: Int) {
        do {
            try self.client.publish(topic: topic, payload: payload, qos: qos, retain: false)
        } catch {
            self.logger.error("publish failed", metadata: ["topic": "\(topic)", "error": "\(error)"])
        }
    }

    /// Publishes a retained message with QoS 1 and remembers it for republishing after a reconnect.
    public func publishRetained(topic: String, payload: [UInt8]) {
        guard self.sparkplug == nil else { return }
        self.setRetained(topic, payload, publish: true)
    }

    /// Deletes a retained message (an empty retained message) and forgets it.
    public func clearRetained(topic: String) {
        guard self.sparkplug == nil else { return }
        self.retained.withLock { list in list.removeAll { $0.topic == topic } }
        _ = try? self.client.publish(MQTTMessage(topic: topic, payload: [], qos: Self.statusQoS, retain: true))
    }

    private func setRetained(_ topic: String, _ payload: [UInt8], publish: Bool) {
        self.retained.withLock { list in
            if let i = list.firstIndex(where: { $0.topic == topic }) {
                list[i].payload = payload
            } else {
                list.append((topic, payload))
            }
        }
        if publish {
            _ = try? self.client.publish(MQTTMessage(topic: topic, payload: payload, qos: Self.statusQoS, retain: true))
        }
    }

    private func republishRetained() {
        let list = self.retained.withLock { $0 }
        for entry in list {
            _ = try? self.client.publish(MQTTMessage(topic: entry.topic, payload: entry.payload, qos: Self.statusQoS,
                                                     retain: true))
        }
    }

    /// Clean shutdown: publishes the `offline` gateway status (and waits up to `timeout` for the broker's
    /// acknowledgement when connected), then disconnects so the will is not sent.
    public func stop(timeoutNanoseconds: Int64 = 2_000_000_000) {
        let last = self.sparkplug?.currentDeath()
            ?? MQTTMessage(topic: self.topics.gatewayStatus,
                           payload: Self.gatewayStatus(online: false, at: WallClock.nowMilliseconds()),
                           qos: Self.statusQoS, retain: true)
        if self.client.isConnected {
            self.acknowledged.withLock { $0 = [] }
            // Sparkplug: the NDEATH, as the broker sends no will after a DISCONNECT.
            let mid = try? self.client.publish(last)
            if let mid {
                let deadline = MonotonicClock.now() + timeoutNanoseconds
                let pause = StopSignal()
                while MonotonicClock.now() < deadline, !self.acknowledged.withLock({ $0?.contains(mid) ?? false }) {
                    pause.wait(nanoseconds: 5_000_000)
                }
            }
            self.acknowledged.withLock { $0 = nil }
        }
        self.client.stop()
    }

    /// `{"state":"online","version":"…","ts":"…"}` or the same with `offline`; with the spool's figures when
    /// given: `"spool_bytes"`, `"spool_records"`, `"dropped"` (records dropped because the spool was full).
    public static func gatewayStatus(online: Bool, at ms: Int64, spool: SpoolStatistics? = nil) -> [UInt8] {
        let w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("state")
        w.string(online ? "online" : "offline")
        w.key("version")
        w.string(AgentVersion.current)
        w.key("ts")
        w.timestamp(unixMilliseconds: ms)
        if let spool {
            w.key("spool_bytes")
            w.integer(spool.bytes)
            w.key("spool_records")
            w.integer(spool.records)
            w.key("dropped")
            w.integer(spool.dropped)
            w.key("dropped_alerts")
            w.integer(spool.droppedAlerts)
            w.key("spool_truncated")
            w.integer(spool.truncatedRecords)
        }
        w.endObject()
        return Array(w.bytes)
    }

    /// Refreshes the retained online status (with the spool's figures).
    public func publishGatewayStatus(spool: SpoolStatistics?) {
        if let sparkplug = self.sparkplug {
            if let spool { sparkplug.publishNodeData(spool: spool) }
            return
        }
        self.publishRetained(topic: self.topics.gatewayStatus,
                             payload: Self.gatewayStatus(online: true, at: WallClock.nowMilliseconds(), spool: spool))
    }
}

/// Hooks set once after `Publisher.init` (callbacks need `self`, which exists only after the client).
final class PublisherState: @unchecked Sendable {
    /// Monotonic time of the last "broker unreachable" log line (0: none since the last connection).
    let lastConnectFailureLog = Atomic<Int64>(0)
    var onConnect: (() -> Void)?
    var onConnectionChange: ((Bool) -> Void)?
    var onPublished: ((Int32) -> Void)?
}
