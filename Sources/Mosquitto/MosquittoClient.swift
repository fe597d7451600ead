import CMosquitto
import Glibc
import Posix
import Synchronization

/// `mosquitto_lib_init` must run once per process before any client exists; a global `let` runs it lazily and
/// thread-safely.
private let libraryInitialised: Int32 = mosquitto_lib_init()

/// An MQTT client over libmosquitto, with a network thread of its own that connects, reconnects with capped
/// exponential backoff, and runs `mosquitto_loop`.
///
/// The thread is ours rather than `mosquitto_loop_start`'s because libmosquitto 2.0.11's own loop never retries
/// when the very first connection attempt fails (broker not up yet: seen here), and because a hook must run before
/// every connection attempt (a will that changes per session, as Sparkplug's `bdSeq` needs).
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
        /// Seconds between connection attempts, doubling from `reconnectDelay` up to `reconnectDelayMax`; reset
        /// after a successful connection.
        public var reconnectDelay: Double = 0.5
        public var reconnectDelayMax: Double = 30
        /// TLS settings; nil = plain TCP.
        public var tls: TLSOptions?
        /// MQTT user name and password (CONNECT fields). The password is never logged nor put into errors.
        public var username: String?
        public var password: String?

        public init(clientID: String, host: String, port: Int) {
            self.clientID = clientID
            self.host = host
            self.port = port
        }
    }

    /// Callbacks; they run on the network thread and must not block.
    public struct Events: Sendable {
        /// CONNACK received: 0 = accepted, else the refusal code (see ``MosquittoError/connackReason(_:)``).
        public var connected: @Sendable (Int32) -> Void = { _ in }
        /// The connection ended: 0 = asked for, else a `MOSQ_ERR_*` code.
        public var disconnected: @Sendable (Int32) -> Void = { _ in }
        /// A connection attempt failed before reaching the broker (refused, unreachable, name not found).
        public var connectFailed: @Sendable (MosquittoError) -> Void = { _ in }
        /// The message with this id completed: sent (QoS 0), PUBACK (QoS 1) or PUBCOMP (QoS 2) received.
        public var published: @Sendable (Int32) -> Void = { _ in }
        public var message: @Sendable (MQTTMessage) -> Void = { _ in }
        /// Just before each connection attempt (the network thread), e.g. to set a will that changes per session
        /// (Sparkplug's `bdSeq`); returns the will to set, or nil to keep the current one.
        public var beforeConnect: @Sendable () -> MQTTMessage? = { nil }

        public init() {}
    }

    private let core: ClientCore
    public var options: Options { self.core.options }
    private var thread: PosixThread?

    public init(options: Options, events: Events = Events()) throws(MosquittoError) {
        _ = libraryInitialised
        guard let handle = mosquitto_new(options.clientID, options.cleanSession, nil) else {
            throw MosquittoError(code: MOSQ_ERR_NOMEM.rawValue, operation: "create client", systemCode: errno)
        }
        let core = ClientCore(handle: handle, options: options, events: events)
        self.core = core
        // Publishing happens on other threads than the network loop.
        mosquitto_threaded_set(handle, true)
        // The core outlives the handle (the handle is destroyed in deinit, before the core is released).
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(core).toOpaque())
        mosquitto_connect_callback_set(handle) { _, userdata, rc in
            let core = Unmanaged<ClientCore>.fromOpaque(userdata!).takeUnretainedValue()
            core.connected.store(rc == 0, ordering: .releasing)
            if rc != 0 { core.refused.store(true, ordering: .releasing) }
            core.events.connected(rc)
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, rc in
            let core = Unmanaged<ClientCore>.fromOpaque(userdata!).takeUnretainedValue()
            if core.connected.exchange(false, ordering: .acquiringAndReleasing) {
                core.events.disconnected(rc)
            }
        }
        mosquitto_publish_callback_set(handle) { _, userdata, mid in
            let core = Unmanaged<ClientCore>.fromOpaque(userdata!).takeUnretainedValue()
            core.events.published(mid)
        }
        mosquitto_message_callback_set(handle) { _, userdata, msg in
            guard let userdata, let msg else { return }
            let core = Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue()
            let m = msg.pointee
            let bytes = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(m.payloadlen))) } ?? []
            core.events.message(MQTTMessage(topic: String(cString: m.topic), payload: bytes, qos: Int(m.qos),
                                            retain: m.retain))
        }
        mosquitto_log_callback_set(handle) { _, userdata, level, text in
            // Only errors and warnings are kept: they name the cause of a failed TLS handshake, which the
            // return codes do not ("certificate verify failed", "host name verification failed").
            guard let userdata, let text, level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING) != 0 else { return }
            let core = Unmanaged<ClientCore>.fromOpaque(userdata).takeUnretainedValue()
            core.noteLog(String(cString: text))
        }
        do throws(MosquittoError) {
            if let will = options.will {
                try self.setWill(will)
            }
            try Self.configure(handle, options)
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
    }

    private static func configure(_ handle: OpaquePointer, _ options: Options) throws(MosquittoError) {
        if let username = options.username {
            let rc = mosquitto_username_pw_set(handle, username, options.password)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                throw MosquittoError(code: rc, operation: "set the user name")
            }
        }
        if let tls = options.tls {
            var rc = mosquitto_tls_set(handle, tls.caFile, tls.caFile == nil ? tls.caPath : nil, tls.certFile,
                                       tls.keyFile, nil)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                throw MosquittoError(code: rc, operation: "set up TLS", systemCode: errno,
                                     detail: "CA \(tls.caFile ?? tls.caPath), certificate \(tls.certFile ?? "none")")
            }
            // SSL_VERIFY_PEER: the broker's certificate must chain to the CA, and libmosquitto then checks the
            // host name against it. "tlsv1.2" turns SSLv3, TLS 1.0 and 1.1 off; TLS 1.3 stays allowed.
            rc = mosquitto_tls_opts_set(handle, 1, tls.minimumVersion, nil)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                throw MosquittoError(code: rc, operation: "set TLS options (\(tls.minimumVersion))")
            }
            rc = mosquitto_tls_insecure_set(handle, false)
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                throw MosquittoError(code: rc, operation: "turn host name verification on")
            }
        }
    }

    deinit {
        self.stop()
        mosquitto_destroy(self.core.handle)
    }

    /// Replaces the will; it takes effect at the next connection.
    public func setWill(_ will: MQTTMessage) throws(MosquittoError) {
        let rc = will.payload.withUnsafeBytes {
            mosquitto_will_set(self.core.handle, will.topic, Int32($0.count), $0.baseAddress, Int32(will.qos),
                               will.retain)
        }
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            throw MosquittoError(code: rc, operation: "set will on \(will.topic)")
        }
    }

    /// True between an accepted CONNACK and the next disconnection.
    public var isConnected: Bool { self.core.connected.load(ordering: .acquiring) }

    /// Starts the network thread, which connects in the background and keeps reconnecting until ``stop()``.
    /// Returns at once: the broker need not be reachable yet.
    public func start() throws(MosquittoError) {
        guard self.thread == nil else { return }
        let core = self.core
        self.thread = PosixThread(name: "mqtt") { core.runLoop() }
    }

    /// Queues a message; returns its message id (see ``Events/published``). QoS 1 and 2 messages are kept by
    /// libmosquitto and resent after a reconnect. `requireConnection`: no connection is an error, not a queued
    /// (QoS > 0) or dropped (QoS 0) message.
    @discardableResult
    public func publish(topic: String, payload: UnsafeRawBufferPointer, qos: Int, retain: Bool,
                        requireConnection: Bool = false) throws(MosquittoError) -> Int32
    {
        var mid: Int32 = 0
        let rc = mosquitto_publish(self.core.handle, &mid, topic, Int32(payload.count), payload.baseAddress, Int32(qos),
                                   retain)
        // NO_CONN: queued (QoS > 0) or dropped (QoS 0) while the network thread reconnects.
        if rc != MOSQ_ERR_SUCCESS.rawValue && (rc != MOSQ_ERR_NO_CONN.rawValue || requireConnection) {
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
        let rc = mosquitto_subscribe(self.core.handle, nil, pattern, Int32(qos))
        if rc != MOSQ_ERR_SUCCESS.rawValue {
            throw MosquittoError(code: rc, operation: "subscribe to \(pattern)")
        }
    }

    /// Sends DISCONNECT (so the broker does not publish the will) and stops the network thread.
    public func stop() {
        guard let thread = self.thread else { return }
        self.core.stopRequested.store(true, ordering: .releasing)
        thread.join()
        self.thread = nil
        self.core.connected.store(false, ordering: .releasing)
    }

    /// Stops the network thread without a DISCONNECT: when the handle is destroyed the socket closes and the
    /// broker publishes the will, as on a crash. For tests of the will.
    public func abandon() {
        guard let thread = self.thread else { return }
        self.core.abandonRequested.store(true, ordering: .releasing)
        thread.join()
        self.thread = nil
    }

    /// True when `topic` is a valid topic to publish to (no wildcards, valid UTF-8, not too long).
    public static func isValidPublishTopic(_ topic: String) -> Bool {
        mosquitto_pub_topic_check(topic) == MOSQ_ERR_SUCCESS.rawValue
    }
}

/// The state shared by the client, its network thread and libmosquitto's callbacks.
private final class ClientCore: @unchecked Sendable {
    let handle: OpaquePointer
    let options: MosquittoClient.Options
    let events: MosquittoClient.Events
    let connected = Atomic<Bool>(false)
    let stopRequested = Atomic<Bool>(false)
    let abandonRequested = Atomic<Bool>(false)
    /// Set when the broker refused the connection in its CONNACK (already reported).
    let refused = Atomic<Bool>(false)
    /// The error and warning lines libmosquitto logged since the current connection attempt began (bounded).
    private let log = Mutex<[String]>([])

    /// At most this many lines of at most 300 bytes each are kept per attempt.
    static let maxLogLines = 4

    func noteLog(_ line: String) {
        self.log.withLock { lines in
            if lines.count < Self.maxLogLines { lines.append(String(decoding: line.utf8.prefix(300), as: UTF8.self)) }
        }
    }

    /// The lines noted since the last call, joined; nil when there were none.
    func takeLog() -> String? {
        let lines = self.log.withLock { lines in
            defer { lines.removeAll(keepingCapacity: true) }
            return lines
        }
        return lines.isEmpty ? nil : lines.joined(separator: "; ")
    }

    init(handle: OpaquePointer, options: MosquittoClient.Options, events: MosquittoClient.Events) {
        self.handle = handle
        self.options = options
        self.events = events
    }

    /// The network thread: connect (non-blocking), run `mosquitto_loop`, and after any failure wait with capped
    /// exponential backoff and connect again, until stopped.
    func runLoop() {
        var delay = self.options.reconnectDelay
        var nextAttempt = MonotonicClock.seconds()
        var socketOpen = false
        var disconnectSent = false
        var giveUpAt = Double.infinity
        var sessionEstablished = false
        while !self.abandonRequested.load(ordering: .acquiring) {
            let stopping = self.stopRequested.load(ordering: .acquiring)
            if stopping && MonotonicClock.seconds() > giveUpAt { return }
            if !socketOpen {
                if stopping { return }
                let wait = nextAttempt - MonotonicClock.seconds()
                if wait > 0 {
                    MonotonicClock.sleep(seconds: min(wait, 0.05))
                    continue
                }
                _ = self.takeLog()
                if let will = self.events.beforeConnect() {
                    let rc = will.payload.withUnsafeBytes {
                        mosquitto_will_set(self.handle, will.topic, Int32($0.count), $0.baseAddress, Int32(will.qos), will.retain)
                    }
                    if rc != MOSQ_ERR_SUCCESS.rawValue {
                        self.events.connectFailed(MosquittoError(code: rc, operation: "set will on \(will.topic)"))
                    }
                }
                let rc = mosquitto_connect_async(self.handle, self.options.host, Int32(self.options.port),
                                                 Int32(self.options.keepAlive))
                if rc == MOSQ_ERR_SUCCESS.rawValue || rc == MOSQ_ERR_CONN_PENDING.rawValue {
                    socketOpen = true
                } else {
                    let error = MosquittoError(code: rc, operation: "connect to \(self.options.host):\(self.options.port)",
                                               systemCode: errno, detail: self.takeLog())
                    self.events.connectFailed(error)
                    nextAttempt = MonotonicClock.seconds() + delay
                    delay = min(self.options.reconnectDelayMax, delay * 2)
                }
                continue
            }
            if stopping && !disconnectSent {
                disconnectSent = true
                giveUpAt = MonotonicClock.seconds() + 2
                guard self.connected.load(ordering: .acquiring),
                      mosquitto_disconnect(self.handle) == MOSQ_ERR_SUCCESS.rawValue
                else { return }
            }
            let rc = mosquitto_loop(self.handle, 100, 1)
            if self.connected.load(ordering: .acquiring) {
                delay = self.options.reconnectDelay
                sessionEstablished = true
            }
            if rc != MOSQ_ERR_SUCCESS.rawValue {
                socketOpen = false
                if self.connected.exchange(false, ordering: .acquiringAndReleasing) {
                    self.events.disconnected(rc)
                } else if !sessionEstablished && !stopping && !self.refused.exchange(false, ordering: .acquiringAndReleasing) {
                    // The socket opened but no session followed: a TLS handshake or the connection itself failed
                    // (a refused CONNACK was already reported through `connected`).
                    self.events.connectFailed(MosquittoError(
                        code: rc, operation: "connect to \(self.options.host):\(self.options.port)",
                        systemCode: errno, detail: self.takeLog()))
                }
                sessionEstablished = false
                if stopping { return }
                nextAttempt = MonotonicClock.seconds() + delay
                delay = min(self.options.reconnectDelayMax, delay * 2)
            }
        }
    }
}
