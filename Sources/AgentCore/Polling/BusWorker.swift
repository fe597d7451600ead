import BoardFile
import Detectors
import Logging
import Modbus
import Posix
import Spool
import Synchronization

/// One bus: one Modbus link (a TCP connection, or a serial port with its RTU units), one kernel thread, its devices
/// polled strictly one transaction at a time. Blocking libmodbus calls happen only here, never in async code.
final class BusWorker: @unchecked Sendable {
    let name: String
    let connection: ModbusConnection
    let devices: [DeviceRuntime]
    let publisher: Publisher
    let logger: Logger
    let stop: StopSignal
    /// Silence kept between the end of one transaction and the start of the next (serial ports).
    private let turnaround: Int64
    private var backoff = ReconnectBackoff()
    private var reconnectAt: Int64 = 0
    private var everConnected = false
    private var thread: PosixThread?
    let alertIDs: AlertIdentifiers
    let gateway: String
    let delivery: Delivery
    let sequences: SequenceStore
    /// A snapshot writer handed over by the main thread, written into between cycles; `snapshotDone` is set once
    /// the bus thread has written its channels.
    private let snapshotRequested = Atomic<Bool>(false)
    private let pendingSnapshot = Mutex<SnapshotWriter?>(nil)
    private let snapshotDone = Atomic<Bool>(false)
    /// Integrity baselines (parameter watches, identities), persisted in the state directory.
    let integrity: IntegrityStore?
    /// Liveness, for the service watchdog: when the thread last made progress (a cycle, a connect, a wake-up) and
    /// whether it is asleep until its next due time. Awake without progress for longer than `stallLimit` means
    /// stuck (the longest legitimate stretch is one poll cycle of requests that all time out).
    private let progressAt = Atomic<Int64>(MonotonicClock.now())
    private let asleep = Atomic<Bool>(false)
    let stallLimit: Int64

    init(name: String, connection: ModbusConnection, devices: [DeviceRuntime], turnaround: Duration = .zero,
         publisher: Publisher, delivery: Delivery, sequences: SequenceStore, alertIDs: AlertIdentifiers,
         gateway: String, logger: Logger, stop: StopSignal, integrity: IntegrityStore? = nil) {
        self.name = name
        self.connection = connection
        self.devices = devices
        self.turnaround = turnaround.nanoseconds
        self.publisher = publisher
        self.delivery = delivery
        self.sequences = sequences
        self.alertIDs = alertIDs
        self.gateway = gateway
        self.logger = logger
        self.stop = stop
        self.integrity = integrity
        self.stallLimit = Self.stallLimit(devices)
        for device in devices {
            device.onAlert = { [unowned self, unowned device] channel, event in
                self.publishAlert(event, device: device, channel: channel)
            }
            device.onRecord = { [unowned self, unowned device] record, topic in
                self.publish(record, device: device, topic: topic)
            }
            device.onNote = { [unowned self, unowned device] note in
                self.logger.info("\(note)", metadata: ["device": "\(device.definition.id)"])
            }
            self.restoreIntegrity(device)
        }
    }

    /// One alert event: to `<prefix>/<gateway>/alerts`, and as the retained state of the alert's own topic
    /// (emptied on close).
    private func publishAlert(_ event: AlertEvent, device: DeviceRuntime, channel index: Int) {
        let channel = device.definition.channels[index]
        var record = AlertRecord(event, channel: channel.id, unit: channel.unit)
        // The event's time is the monotonic end of the request that read the sample (it may be up to the
        // device's detection_latency ago).
        let ago = max(0, MonotonicClock.now() - Int64(event.time * 1e9)) / 1_000_000
        record.sampleTime = WallClock.nowMilliseconds() - ago
        self.publish(record, device: device,
                     topic: device.topics.alert(device: device.definition.id, channel: channel.id, detector: event.kind.rawValue))
    }

    /// One alert event: to `<prefix>/<gateway>/alerts` through the spool, and as the retained state of the
    /// alert's own topic (emptied on close).
    func publish(_ record: AlertRecord, device: DeviceRuntime, topic: String) {
        if self.publisher.sparkplug != nil {
            self.publishSparkplugAlert(record, device: device)
        } else {
            self.publishJSON(record, device: device, topic: topic)
        }
        var metadata: Logger.Metadata = [
            "device": "\(device.definition.id)", "rule": "\(record.rule)", "level": "\(record.severity.rawValue)",
        ]
        if let channel = record.channel { metadata["channel"] = "\(channel)" }
        if !record.value.isNaN { metadata["value"] = "\(record.value)" }
        if !record.attack.isEmpty { metadata["attack"] = "\(record.attack.map(\.id).joined(separator: ","))" }
        if record.ruleType == "integrity" || record.ruleType == "availability" { metadata["msg"] = "\(record.message)" }
        switch record.transition {
        case .open: self.logger.warning("alert open", metadata: metadata)
        case .update: self.logger.info("alert update", metadata: metadata)
        case .close: self.logger.info("alert close", metadata: metadata)
        }
    }

    private func publishJSON(_ record: AlertRecord, device: DeviceRuntime, topic: String) {
        let id = AlertIdentifiers.text(self.alertIDs.next())
        self.sequences.raise("alert-id-ms", to: UInt64(self.alertIDs.lastMillisecond))
        let seq = self.sequences.take("alerts")
        let payload = AlertPayload.build(record, id: id, seq: seq, gateway: self.gateway, device: device.definition.id,
                                         nowWall: record.sampleTime ?? WallClock.nowMilliseconds())
        do {
            try payload.withUnsafeBytes { bytes in
                try Result { () throws(SpoolError) in
                    try self.delivery.enqueue(kind: .alert, qos: Publisher.statusQoS, topic: self.publisher.topics.alerts,
                                              payload: bytes, stream: "alerts", sequence: seq)
                }.get()
            }
        } catch {
            self.logger.error("alert not spooled", metadata: ["error": "\(error)", "alert": "\(id)"])
        }
        if record.transition == .close {
            self.publisher.clearRetained(topic: topic)
        } else {
            self.publisher.publishRetained(topic: topic, payload: payload)
        }
    }

    func start() {
        self.thread = PosixThread(name: "bus-\(self.name)") { [self] in self.run() }
    }

    func join() { self.thread?.join() }

    private func run() {
        while !self.stop.isFired {
            self.progressAt.store(MonotonicClock.now(), ordering: .releasing)
            if !self.connection.isConnected && MonotonicClock.now() >= self.reconnectAt {
                self.connect()
            }
            while self.connection.isConnected, !self.stop.isFired, let (device, group) = self.nextDueGroup() {
                self.progressAt.store(MonotonicClock.now(), ordering: .releasing)
                self.cycle(device, group: group)
                self.publishDueSummaries()
                self.readDueIdentities()
                self.saveIntegrityIfDirty(device)
            }
            self.readDueIdentities()
            self.publishDueSummaries()
            if self.snapshotRequested.exchange(false, ordering: .acquiringAndReleasing),
               let writer = self.pendingSnapshot.withLock({ p -> SnapshotWriter? in defer { p = nil }; return p })
            {
                for device in self.devices {
                    device.runDetectors()  // rings and detectors complete up to the last cycle
                    ChannelSnapshot.write(device, into: writer)
                }
                self.snapshotDone.store(true, ordering: .releasing)
            }
            var wake = Int64.max
            for device in self.devices {
                wake = min(wake, device.nextSummary)
                if self.connection.isConnected {
                    wake = min(wake, device.nextDue)
                    if device.definition.identity { wake = min(wake, device.identityDue) }
                }
            }
            if !self.connection.isConnected { wake = min(wake, self.reconnectAt) }
            self.asleep.store(true, ordering: .releasing)
            self.stop.wait(untilMonotonic: wake)
            self.asleep.store(false, ordering: .releasing)
        }
        // The samples of the last cycles still go through the detectors (their alerts are published; a reload
        // hands complete rings and detectors over).
        for device in self.devices { device.runDetectors() }
        self.connection.close()
    }

    /// How long the thread has been awake without progress beyond its stall limit (nanoseconds), or nil when it
    /// is healthy.
    func stall(now: Int64) -> Int64? {
        if self.asleep.load(ordering: .acquiring) { return nil }
        let awake = now - self.progressAt.load(ordering: .acquiring)
        return awake > self.stallLimit ? awake : nil
    }

    /// Twice the longest legitimate stretch without progress: connecting, the pause after it, and the largest
    /// poll group with every request timing out on every retry (plus the identity reads); at least 20 s.
    static func stallLimit(_ devices: [DeviceRuntime]) -> Int64 {
        var longest: Int64 = 0
        for device in devices {
            let d = device.definition
            let perRequest = d.timeout.nanoseconds * Int64(d.retries + 1) + device.pauseBetweenRequests
            let requests = device.groups.map(\.requests.count).max() ?? 0
            longest = max(longest, d.timeout.nanoseconds + device.pauseAfterConnect
                + perRequest * Int64(requests + (d.identity ? 4 : 0)))
        }
        return max(20_000_000_000, 2 * longest)
    }

    /// The due group polled longest ago, skipping degraded devices until their retry time.
    private func nextDueGroup() -> (DeviceRuntime, Int)? {
        let now = MonotonicClock.now()
        var best: (DeviceRuntime, Int)?
        var bestTime = Int64.max
        for device in self.devices {
            if device.state == .degraded && now < device.degradedUntil { continue }
            for g in device.groups.indices where device.groups[g].nextPoll <= now && device.groups[g].nextPoll < bestTime {
                best = (device, g)
                bestTime = device.groups[g].nextPoll
            }
        }
        return best
    }

    private func connect() {
        do throws(ModbusError) {
            try self.connection.connect()
            self.backoff.reset()
            if self.everConnected {
                for device in self.devices { device.counters.reconnects += 1 }
            }
            self.everConnected = true
            self.logger.info("connected to device", metadata: ["bus": "\(self.name)",
                                                                "endpoint": "\(self.connection.endpoint)"])
            let pause = self.devices.map(\.pauseAfterConnect).max() ?? 0
            if pause > 0 { self.stop.wait(nanoseconds: pause) }
        } catch {
            let delay = self.backoff.next()
            let now = MonotonicClock.now()
            self.reconnectAt = now + delay
            for device in self.devices {
                device.recordLink(.unanswered, now: now)
                self.setStatus(device, .offline, error: "\(error)", retryIn: delay)
            }
        }
    }

    /// Waits until `earliest` and the bus turnaround after the last transaction; false when stopping.
    private func waitForBus(_ earliest: Int64) -> Bool {
        var target = earliest
        if self.turnaround > 0 {
            var last: Int64 = 0
            for device in self.devices { last = max(last, device.lastRequestEnd) }
            target = max(target, last + self.turnaround)
        }
        if target > MonotonicClock.now() { self.stop.wait(untilMonotonic: target) }
        return !self.stop.isFired
    }

    private func cycle(_ device: DeviceRuntime, group g: Int) {
        let result = device.poll(group: g, on: self.connection, waitForBus: self.waitForBus)
        // Sparkplug: values for the birth before the status, data by exception after it (a device back online is
        // born with the values just read, before its data).
        if device.sparkplug != nil { self.recordCurrentValues(device, group: g) }
        defer { if device.sparkplug != nil { self.reportByException(device, group: g) } }
        let now = MonotonicClock.now()
        repeat { device.groups[g].nextPoll += device.groups[g].interval } while device.groups[g].nextPoll <= now
        guard let error = result.firstError else {
            device.failedCycles = 0
            self.setStatus(device, .online, error: nil, retryIn: nil)
            return
        }
        let message = result.failed > 1 ? "\(error) (and \(result.failed - 1) more failed requests)" : "\(error)"
        if result.linkDown {
            // The wrapper closed the link; every device of the bus is cut off until it reopens.
            self.connection.close()
            let delay = self.backoff.next()
            self.reconnectAt = now + delay
            for other in self.devices {
                self.setStatus(other, .offline, error: other === device ? message : "\(error)", retryIn: delay)
            }
            return
        }
        device.failedCycles = result.noAnswer ? device.failedCycles + 1 : 0
        guard device.failedCycles >= device.definition.degradeAfter else {
            self.setStatus(device, .offline, error: message, retryIn: nil, answered: !result.noAnswer)
            return
        }
        // No answer several cycles in a row: skip the device for a while so that it cannot stall its bus.
        device.degradedUntil = now + device.degradeFor
        let text = "no answer in \(device.failedCycles) poll cycles in a row (last: \(message)); skipped for "
            + "\(DurationFormat.describe(device.definition.degradeFor)) between attempts"
        self.setStatus(device, .degraded, error: text, retryIn: device.degradeFor)
        // On TCP, when no device of the connection answers any more, the connection itself may be dead
        // (half-open after a gateway reboot): the next attempt reconnects.
        if !self.connection.isSerial && self.devices.allSatisfy({ $0.state == .degraded }) {
            self.connection.close()
            self.reconnectAt = device.degradedUntil
        }
    }

    private func publishDueSummaries() {
        let now = MonotonicClock.now()
        for device in self.devices where now >= device.nextSummary {
            let nowWall = WallClock.nowMilliseconds()
            let stream = "device:\(device.definition.id)"
            repeat { device.nextSummary += device.summaryInterval } while device.nextSummary <= now
            device.runDetectors()  // the interval's scores and open alerts include its last samples
            if device.sparkplug != nil {
                self.publishFullReport(device, nowWall: nowWall)
                device.latency.reset()
                continue
            }
            let seq = self.sequences.take(stream)
            device.buildSummary(nowWall: nowWall, seq: seq)
            if device.writer.overflowed {
                self.logger.error("summary larger than its buffer; not published",
                                  metadata: ["device": "\(device.definition.id)"])
            } else {
                do {
                    try self.delivery.enqueue(kind: .summary, qos: self.publisher.summaryQoS, topic: device.summaryTopic,
                                              payload: device.writer.bytes, stream: stream, sequence: seq)
                } catch {
                    self.logger.error("summary not spooled", metadata: ["device": "\(device.definition.id)",
                                                                        "seq": "\(seq)", "error": "\(error)"])
                }
            }
            // The status carries counters and the interval's round-trip times: refresh it with each summary.
            if device.state != nil {
                self.publisher.publishRetained(topic: device.statusTopic, payload: device.statusPayload(nowWall: nowWall))
            }
            device.latency.reset()
        }
    }

    /// `answered`: the device answered part of the cycle (some requests failed): for Sparkplug it stays alive,
    /// its failed channels carry the `Quality` Bad.
    private func setStatus(_ device: DeviceRuntime, _ state: DeviceState, error: String?, retryIn: Int64?,
                           answered: Bool = false) {
        if let sp = device.sparkplug, let session = self.publisher.sparkplug, sp.alive != (state == .online || answered) {
            // A birth carries the alerts of the samples read so far: their detectors run first.
            if !sp.alive { device.runDetectors() }
            sp.alive = !sp.alive
            if sp.alive { session.deviceOnline(sp) } else { session.deviceOffline(sp) }
        }
        guard device.state != state || device.error != error else { return }
        device.state = state
        device.error = error
        let payload = device.statusPayload(nowWall: WallClock.nowMilliseconds())
        self.publisher.publishRetained(topic: device.statusTopic, payload: payload)
        var metadata: Logger.Metadata = ["device": "\(device.definition.id)"]
        if let error { metadata["error"] = "\(error)" }
        if let retryIn { metadata["retry_in_ms"] = "\(retryIn / 1_000_000)" }
        switch state {
        case .online: self.logger.info("device online", metadata: metadata)
        case .degraded: self.logger.warning("device degraded", metadata: metadata)
        case .offline: self.logger.warning("device offline", metadata: metadata)
        }
    }

    /// Writes the bus's channels into `writer`: on the bus thread between two cycles while it runs (waiting up to
    /// `timeoutNanoseconds` for it to take the request), directly once it has stopped. Returns false when the
    /// bus did not take the request in time (its channels are then missing from the snapshot).
    func snapshot(into writer: SnapshotWriter, timeoutNanoseconds: Int64) -> Bool {
        guard self.thread != nil, !self.stop.isFired else {
            for device in self.devices { ChannelSnapshot.write(device, into: writer) }
            return true
        }
        self.snapshotDone.store(false, ordering: .releasing)
        self.pendingSnapshot.withLock { $0 = writer }
        self.snapshotRequested.store(true, ordering: .releasing)
        let deadline = MonotonicClock.now() + timeoutNanoseconds
        while MonotonicClock.now() < deadline {
            if self.snapshotDone.load(ordering: .acquiring) { return true }
            MonotonicClock.sleep(seconds: 0.005)
        }
        // Withdraw the request; if the bus thread already took the writer, let it finish (it is quick).
        let withdrawn = self.pendingSnapshot.withLock { p -> Bool in defer { p = nil }; return p != nil }
        if withdrawn { return false }
        while !self.snapshotDone.load(ordering: .acquiring) { MonotonicClock.sleep(seconds: 0.001) }
        return true
    }

    /// The devices, for handing their channel state to a reloaded board (only once the thread has stopped).
    var runtimes: [DeviceRuntime] { self.devices }

    /// Waits up to `timeoutNanoseconds` for the thread to end.
    @discardableResult
    func join(timeoutNanoseconds: Int64) -> Bool { self.thread?.join(timeoutNanoseconds: timeoutNanoseconds) ?? true }

    /// Marks every device offline (clean shutdown).
    func publishStopped() {
        for device in self.devices {
            device.state = .offline
            device.error = "agent stopped"
            self.publisher.publishRetained(topic: device.statusTopic,
                                           payload: device.statusPayload(nowWall: WallClock.nowMilliseconds()))
        }
        self.logger.info("devices marked offline", metadata: ["bus": "\(self.name)"])
    }
}
