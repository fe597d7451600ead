import Logging
import Posix
import Spool
import Synchronization

/// Store and forward: every summary and alert event is appended to the on-disk spool first; a sender thread
/// publishes from the spool while the broker is connected and removes a record only when the broker acknowledged
/// it (PUBACK for QoS 1, PUBCOMP for QoS 2; QoS 0 records leave once handed to the socket).
///
/// Sending order: alerts first (oldest first); then live summaries (appended since the connection came up);
/// then the backlog of summaries from the outage, oldest first, at `replayRate` per second, so fresh data is never
/// stuck behind hours of backlog. Delivery is at least once: a record sent just before a crash or a lost
/// connection may arrive twice (consumers de-duplicate with `seq` and the alert `id`).
final class Delivery: @unchecked Sendable {
    private let lock = Mutex(())
    private let spool: Spool
    private let wake = WakeSignal()
    private let acks = Mutex<[Int32]>([])
    private let stopping = Atomic<Bool>(false)
    private let draining = Atomic<Bool>(false)
    private let connected = Atomic<Bool>(false)
    private let connectionEpoch = Atomic<Int>(0)
    private var thread: PosixThread?
    private let logger: Logger
    private let replayRate: Double
    /// QoS 1/2 messages handed to libmosquitto and not yet acknowledged.
    static let maxInFlight = 20
    /// How soon the sender looks again while records wait to be sent, and at most while none do.
    static let retryNanoseconds: Int64 = 50_000_000
    static let idleNanoseconds: Int64 = 1_000_000_000

    /// What became of a record handed to ``send``.
    enum Outcome {
        /// Handed to libmosquitto under this message id.
        case sent(Int32)
        /// Nothing can be sent now (not connected, not born): try again later.
        case notNow
        /// This record cannot be sent yet (its Sparkplug device is not born); the others can. It is skipped until
        /// ``recordsMaySend()`` is called.
        case later
        /// This record can never be sent (it was spooled under another metric table): it leaves the spool.
        case dropped
    }

    /// Publishes one message (topic, payload, QoS, and whether it was spooled before the current session).
    var send: (String, [UInt8], Int, Bool) -> Outcome = { _, _, _, _ in .notNow }
    /// Runs before records are sent while connected, with true for the first time in a session (Sparkplug
    /// births).
    var beforeSending: ((Bool) -> Void)?

    init(spool: Spool, replayRate: Double, logger: Logger) {
        self.spool = spool
        self.replayRate = replayRate
        self.logger = logger
    }

    // MARK: From other threads

    /// Appends a message to the spool (bus threads). Errors (disk full, I/O) are logged and counted by the caller.
    func enqueue(kind: SpoolKind, qos: Int, topic: String, payload: UnsafeRawBufferPointer, stream: String,
                 sequence: UInt64) throws(SpoolError) {
        try self.lock.withLock { _ -> Result<Void, SpoolError> in
            Result { () throws(SpoolError) in
                try self.spool.append(kind: kind, qos: qos, topic: topic, payload: payload, stream: stream, sequence: sequence)
            }
        }.get()
        self.wake.signal()
    }

    /// The broker completed message `mid` (libmosquitto's thread).
    func acknowledged(_ mid: Int32) {
        self.acks.withLock { $0.append(mid) }
        self.wake.signal()
    }

    /// The connection came up or went down (libmosquitto's thread).
    func connectionChanged(_ up: Bool) {
        self.connected.store(up, ordering: .releasing)
        if up { self.connectionEpoch.add(1, ordering: .acquiringAndReleasing) }
        self.wake.signal()
    }

    var statistics: SpoolStatistics { self.lock.withLock { _ in self.spool.statistics } }

    /// Runs `body` with the spool, excluded from the sender.
    func withSpool<R>(_ body: (Spool) throws -> R) rethrows -> R {
        try self.lock.withLock { _ in try body(self.spool) }
    }

    /// Wakes the sender (work other than new records, e.g. a rebirth).
    func wakeUp() { self.wake.signal() }

    private let deferredRetry = Atomic<Int>(0)

    /// Records answered ``Outcome/later`` may be sendable now (a Sparkplug device was born).
    func recordsMaySend() {
        self.deferredRetry.add(1, ordering: .acquiringAndReleasing)
        self.wake.signal()
    }

    func start() {
        self.thread = PosixThread(name: "spool") { [self] in self.run() }
    }

    /// Stops sending: keeps going up to `drainNanoseconds` while records are pending and the broker is connected,
    /// then flushes the spool to disk.
    func stop(drainNanoseconds: Int64) {
        self.draining.store(true, ordering: .releasing)
        let deadline = MonotonicClock.now() + drainNanoseconds
        while MonotonicClock.now() < deadline && self.connected.load(ordering: .acquiring)
            && !self.lock.withLock({ _ in self.spool.isEmpty })
        {
            MonotonicClock.sleep(seconds: 0.01)
        }
        self.stopping.store(true, ordering: .releasing)
        self.wake.signal()
        self.thread?.join()
        self.thread = nil
        self.lock.withLock { _ in self.spool.sync() }
    }

    // MARK: The sender thread

    private func run() {
        var inFlight: [Int32: (id: UInt64, sentInEpoch: Int)] = [:]
        var inFlightIDs = Set<UInt64>()
        var deferred = Set<UInt64>()
        var deferredVersion = 0
        /// In flight, or waiting for its Sparkplug device's birth.
        func busy(_ id: UInt64) -> Bool { inFlightIDs.contains(id) || deferred.contains(id) }
        var epoch = -1
        var backlogBelow: UInt64 = 0
        var tokens = 0.0
        var lastRefill = MonotonicClock.now()
        while !self.stopping.load(ordering: .acquiring) {
            let acks = self.acks.withLock { a -> [Int32] in
                defer { a.removeAll(keepingCapacity: true) }
                return a
            }
            self.lock.withLock { _ in
                for mid in acks {
                    guard let entry = inFlight.removeValue(forKey: mid) else { continue }
                    inFlightIDs.remove(entry.id)
                    do { try self.spool.acknowledge(entry.id) } catch { self.logger.error("spool: \(error)") }
                }
                self.spool.syncIfDue()
            }
            let up = self.connected.load(ordering: .acquiring)
            let currentEpoch = self.connectionEpoch.load(ordering: .acquiring)
            let newSession = up && currentEpoch != epoch
            if newSession {
                // A new session: what was appended before it is backlog. Messages in flight at the loss are
                // resent by libmosquitto under their ids; if their acknowledgement does not come with the next
                // session, they are sent again from the spool below.
                epoch = currentEpoch
                backlogBelow = self.lock.withLock { _ in self.spool.nextRecordID }
                for (mid, entry) in inFlight where entry.sentInEpoch < epoch - 1 {
                    inFlight[mid] = nil
                    inFlightIDs.remove(entry.id)
                }
            }
            let retry = self.deferredRetry.load(ordering: .acquiring)
            if retry != deferredVersion || newSession {
                deferredVersion = retry
                deferred.removeAll()
            }
            if up {
                self.beforeSending?(newSession)
                let now = MonotonicClock.now()
                tokens = min(self.replayRate, tokens + self.replayRate * Double(now - lastRefill) / 1e9)
                lastRefill = now
                sending: while inFlightIDs.count < Self.maxInFlight {
                    let next: UInt64? = self.lock.withLock { _ in
                        if let id = self.spool.oldestPending(.alert, skip: busy) { return id }
                        if let id = self.spool.oldestPending(.summary, atLeast: backlogBelow, skip: busy) {
                            return id
                        }
                        guard tokens >= 1 || self.draining.load(ordering: .acquiring),
                              let id = self.spool.oldestPending(.summary, skip: busy), id < backlogBelow
                        else { return nil }
                        tokens -= 1
                        return id
                    }
                    guard let id = next else { break }
                    let message = self.lock.withLock { _ in try? self.spool.read(id) }
                    guard let message else { break }
                    let mid: Int32
                    switch self.send(message.topic, message.payload, message.qos, id < backlogBelow) {
                    case .sent(let m): mid = m
                    case .notNow: break sending
                    case .later:
                        deferred.insert(id)
                        continue
                    case .dropped:
                        self.lock.withLock { _ in try? self.spool.acknowledge(id) }
                        continue
                    }
                    if message.qos == 0 {
                        self.lock.withLock { _ in try? self.spool.acknowledge(id) }
                    } else {
                        inFlight[mid] = (id, epoch)
                        inFlightIDs.insert(id)
                    }
                }
            }
            // With records left to send (a backlog paced by the replay rate, a send refused for now), look again
            // in 50 ms. Otherwise every change comes with a wake-up (a record, an acknowledgement, a connection,
            // a birth, the stop): sleep until the next sync is due, at most a second.
            let wait: Int64 = self.lock.withLock { _ in
                if self.spool.pendingCount > inFlightIDs.count + deferred.count { return Self.retryNanoseconds }
                return min(Self.idleNanoseconds, self.spool.nanosecondsUntilSyncDue ?? Self.idleNanoseconds)
            }
            if wait > 0 { self.wake.wait(nanoseconds: wait) }
        }
    }
}
