import CMosquitto
import Glibc
import Synchronization

/// `mosquitto_lib_init` must run once per process before any client exists; a global `let` runs it lazily and
/// thread-safely.
private let libraryInitialised: Int32 = mosquitto_lib_init()

/// An MQTT client over libmosquitto, with libmosquitto's own network thread (`mosquitto_loop_start`), which also
/// reconnects with exponential backoff after the broker goes away.
///
/// ``publish(topic:payload:qos:retain:)`` may be called from any thread. Events arrive on the network thread.
public final class MosquittoClient: @unchecked Sendable {
    public struct Options: Sendable {
        public var clientID: String
        public var host: String
        public var port: Int
        public var keepAlive: Int = 30
        public var cleanSession: Bool = true
        /// Published by the broker if the connection ends without a DISCONNECT.
        public var will: MQTTMessage?
        /// Seconds between reconnect attempts, doubling from `reconnectDelay` up to `reconnectDelayMax`.
        public var reconnectDelay: Int = 1
        public var reconnectDelayMax: Int = 30

        public init(clientID: String, host: String, port: Int) {
            self.clientID = clientID
            self.host = host
            self.port = port
        }
    }

    /// Callbacks; they run on libmosquitto's network thread and must not block.
    public struct Events: Sendable {
        /// CONNACK received: 0 = accepted, else the refusal code (see ``MosquittoError/connackReason(_:)``).
        public var connected: @Sendable (Int32) -> Void = { _ in }
        /// The connection ended: 0 = asked for, else a `MOSQ_ERR_*` code.
        public var disconnected: @Sendable (Int32) -> Void = { _ in }
        /// The message with this id completed: sent (QoS 0), PUBACK (QoS 1) or PUBCOMP (QoS 2) received.
        public var published: @Sendable (Int32) -> Void = { _ in }
        public var message: @Sendable (MQTTMessage) -> Void = { _ in }

        public init() {}
    }

    private let handle: OpaquePointer
    public let options: Options
    private let events: Events
    private let connectedFlag = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    public init(options: Options, events: Events = Events()) throws(MosquittoError) {
        _ = libraryInitialised
        guard let handle = mosquitto_new(options.clientID, options.cleanSession, nil) else {
            throw MosquittoError(code: MOSQ_ERR_NOMEM.rawValue, operation: "create client", systemCode: errno)
        }
        self.handle = handle
        self.options = options
        self.events = events
        // `self` is complete only now, so it becomes the userdata after mosquitto_new.
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        mosquitto_connect_callback_set(handle) { _, userdata, rc in
            let me = Unmanaged<MosquittoClient>.fromOpaque(userdata!).takeUnretainedValue()
            me.connectedFlag.store(rc == 0, ordering: .releasing)
            me.events.connected(rc)
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, rc in
            let me = Unmanaged<MosquittoClient>.fromOpaque(userdata!).takeUnretainedValue()
            me.connectedFlag.store(false, ordering: .releasing)
            me.events.disconnected(rc)
        }
        mosquitto_publish_callback_set(handle) { _, userdata, mid in
            let me = Unmanaged<MosquittoClient>.fromOpaque(userdata!).takeUnretainedValue()
            me.events.published(mid)
        }
        mosquitto_message_callback_set(handle) { _, userdata, msg in
            guard let userdata, let msg else { return }
            let me = Unmanaged<MosquittoClient>.fromOpaque(userdata).takeUnretainedValue()
            let m = msg.pointee
            let bytes = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(m.payloadlen))) } ?? []
            me.events.message(MQTTMessage(topic: String(cString: m.topic), payload: bytes, qos: Int(m.qos),
                                          retain: m.retain))
        }
        mosquitto_reconnect_delay_set(handle, UInt32(options.reconnectDelay), UInt32(options.reconnectDelayMax), true)
        if let will = options.will {
            let rc = will.payload.withUnsafeBytes {
                mosquitto_will_set(handle, will.topic, Int32($0.count), $0.baseAddress, Int32(will.qos), will.retain)
            }
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                mosquitto_destroy(handle)
                throw MosquittoError(code: rc, operation: "set will on \(will.topic)")
            }
        }
    }

    deinit {
        self.stop()
        mosquitto_destroy(self.handle)
    }

    /// True between an accepted CONNACK and the next disconnection.
    public var isConnected: Bool { self.connectedFlag.load(ordering: .acquiring) }

    /// Starts connecting in the background and keeps reconnecting until ``stop()``. Returns at once: the broker
    /// need not be reachable yet.
    public func start() throws(MosquittoError) {
        guard !self.started.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let rc = mosquitto_connect_async(self.handle, self.options.host, Int32(self.options.port),
                                         Int32(self.options.keepAlive))
        // A refused or unreachable broker is not fatal: the network thread retries. Only bad arguments are.
        if rc == MOSQ_ERR_INVAL.rawValue {
            throw MosquittoError(code: rc, operation: "connect to \(self.options.host):\(self.options.port)")
        }
        let loop = mosquitto_loop_start(self.handle)
        if loop != MOSQ_ERR_SUCCESS.rawValue {
            throw MosquittoError(code: loop, operation: "start the network thread")
        }
    }

    /// Queues a message; returns its message id (see ``Events/published``). QoS 1 and 2 messages are kept by
    /// libmosquitto and resent after a reconnect.
    @discardableResult
    public func publish(topic: String, payload: UnsafeRawBufferPointer, qos: Int, retain: Bool)
        throws(MosquittoError) -> Int32
    {
        var mid: Int32 = 0
        let rc = mosquitto_publish(self.handle, &mid, topic, Int32(payload.count), payload.baseAddress, Int32(qos),
                                   retain)
        // NO_CONN: queued (QoS > 0) or dropped (QoS 0) while the network thread reconnects.
        if rc != MOSQ_ERR_SUCCESS.rawValue && rc != MOSQ_ERR_NO_CONN.rawValue {
            throw MosquittoError(code: rc, operation: "publish to \(topic)", systemCode: errno)
        }
        return mid
    }

    @discardableResult
    public func publish(_ message: MQTTMessage) throws(MosquittoError) -> Int32 {
        // withUnsafeBytes rethrows untyped errors, so the typed error travels in a Result.
        try message.payload.withUnsafeBytes { bytes in
            Result { () throws(MosquittoError) -> Int32 in
                try self.publish(topic: message.topic, payload: bytes, qos: message.qos, retain: message.retain)
            }
        }.get()
    }

    public func subscribe(_ pattern: String, qos: Int = 1) throws(MosquittoError) {
        let rc = mosquitto_subscribe(self.handle, nil, pattern, Int32(qos))
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            throw MosquittoError(code: rc, operation: "subscribe to \(pattern)")
        }
    }

    /// Sends DISCONNECT (so the broker does not publish the will).
    public func disconnect() {
        _ = mosquitto_disconnect(self.handle)
    }

    /// Disconnects and stops the network thread.
    public func stop() {
        guard self.started.exchange(false, ordering: .acquiringAndReleasing) else { return }
        _ = mosquitto_disconnect(self.handle)
        _ = mosquitto_loop_stop(self.handle, false)
    }

    /// Stops the network thread without a DISCONNECT: the connection drops and the broker publishes the will, as
    /// on a crash. For tests of the will and of session loss.
    public func abandon() {
        guard self.started.exchange(false, ordering: .acquiringAndReleasing) else { return }
        _ = mosquitto_loop_stop(self.handle, true)
    }

    /// True when `topic` is a valid topic to publish to (no wildcards, valid UTF-8, not too long).
    public static func isValidPublishTopic(_ topic: String) -> Bool {
        mosquitto_pub_topic_check(topic) == MOSQ_ERR_SUCCESS.rawValue
    }
}
