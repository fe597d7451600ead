import BoardFile
import Detectors
import Logging
import Modbus
import Posix
import Registers

/// One device's compiled plan and live state: request buffers, channel rings, summary statistics, counters and
/// status. Owned by its bus thread; nothing in the poll cycle allocates.
final class DeviceRuntime {
    let definition: DeviceDefinition
    let plan: ReadPlan
    /// Topic names (alert topics are built when an alert is published, not kept per channel).
    let topics: Topics
    let statusTopic: String
    let summaryTopic: String
    /// Accessed only on the device's bus thread (no dynamic exclusivity check per sample).
    @exclusivity(unchecked) var channels: [ChannelRuntime]
    @exclusivity(unchecked) var groups: [PollGroupRuntime]
    let words: UnsafeMutableBufferPointer<UInt16>
    let bits: UnsafeMutableBufferPointer<UInt8>
    let writer: JSONWriter
    /// The channels' ids and units as the summary writes them, escaped once.
    let summaryNames: SummaryNames
    /// The device as a Sparkplug Device (`mqtt.format: sparkplug`), else nil.
    var sparkplug: SparkplugDevice?

    var intervalStartWall: Int64
    var nextSummary: Int64
    let summaryInterval: Int64

    var state: DeviceState?
    var error: String?
    var counters = LinkCounters()
    var latency = LatencyWindow()
    /// Cycles in a row in which the device gave no answer at all.
    var failedCycles = 0
    /// Monotonic time until which a degraded device is skipped.
    var degradedUntil: Int64 = 0
    /// Monotonic end of the last transaction with this device (for `pause_between_requests`).
    var lastRequestEnd: Int64 = 0
    /// Receives the alert events of the channels (channel index, event); set by the bus.
    var onAlert: ((Int, AlertEvent) -> Void)?
    /// Integrity and link alerts (parameter changes, link shifts), with the retained topic of each.
    var onRecord: ((AlertRecord, String) -> Void)?
    /// Notes for the log (baselines taken or moved in maintenance).
    var onNote: ((String) -> Void)?

    /// Maintenance windows, and whether now is in one (re-evaluated at most once a second).
    let maintenance: [MaintenanceWindow]
    private(set) var inMaintenance = false
    private var maintenanceCheckedSecond: Int64 = -1
    /// A role channel's watch moved: the integrity store needs writing.
    var integrityDirty = false
    /// Link baselines, and their event buffer (3 slots allocated here).
    var link: LinkWatch?
    var linkEvents = [LinkWatch.Event](repeating: LinkWatch.Event(metric: .latency, opened: false, value: 0, baseline: 0),
                                       count: 3)
    let linkTopics: [String]
    /// Identity: the watch, the next read (monotonic), and which reads the device refused.
    var identity = IdentityWatch()
    var identityDue: Int64 = 0
    var serverIDUnsupported = false
    var deviceIdentificationUnsupported = false
    /// An identity alert is open (published), so an accepted change must close it.
    var identityAlertOpen = false
    let identityTopic: String
    let identityAlertTopics: (identity: String, mode: String)
    /// The last identity payload published (retained), to publish only changes.
    var publishedIdentity: [UInt8] = []

    let timeout: Int64
    /// `detection_latency` in nanoseconds (0 when the detectors run after every cycle).
    let detectionLatency: Int64
    /// Most cycles in one batch of detector input (8 bytes per channel and cycle).
    static let maxDetectionDepth: Int64 = 100
    let pauseBetweenRequests: Int64
    let pauseAfterConnect: Int64
    let degradeFor: Int64

    /// `batchDetectors`: let the detectors run on batches of up to the device's `detection_latency` (the agent);
    /// otherwise (commissioning, benchmarks) they run after every cycle.
    init(_ definition: DeviceDefinition, summaryInterval: Duration, topics: Topics, captureRaw: Bool = false,
         batchDetectors: Bool = false) {
        self.definition = definition
        let plan = ReadPlanner.plan(definition)
        self.plan = plan
        self.topics = topics
        self.statusTopic = topics.deviceStatus(definition.id)
        self.summaryTopic = topics.summary(definition.id)
        var groupOf = [Int](repeating: 0, count: definition.channels.count)
        for (g, group) in plan.groups.enumerated() {
            for request in group.requests { for c in request.channels { groupOf[c] = g } }
        }
        // The channels' banks are updated one after the other on this device's thread: one room for their events.
        let events = AlertEventScratch()
        self.channels = definition.channels.indices.map { i in
            ChannelRuntime(definition.channels[i], group: groupOf[i], captureRaw: captureRaw, events: events,
                           roleTopic: { role in
                role.map { topics.alert(device: definition.id, channel: definition.channels[i].id, detector: $0.rawValue) } ?? ""
            })
        }
        let capacities = RingLayout.timestampCapacities(definition, plan: plan)
        let latency = batchDetectors ? definition.detectionLatency.nanoseconds : 0
        self.detectionLatency = latency
        self.groups = plan.groups.indices.map {
            let interval = plan.groups[$0].interval.nanoseconds
            return PollGroupRuntime(plan.groups[$0], channels: definition.channels, timestampCapacity: capacities[$0],
                                    detectionDepth: Int(min(Self.maxDetectionDepth, max(1, latency / max(1, interval)))))
        }
        self.words = .allocate(capacity: 125)
        self.words.initialize(repeating: 0)
        self.bits = .allocate(capacity: 2000)
        self.bits.initialize(repeating: 0)
        // Bound of one summary: fixed part + per channel its escaped id, unit and text and 6 numbers of ≤ 24 bytes.
        let perChannel = definition.channels.reduce(0) {
            $0 + 6 * ($1.id.utf8.count + $1.unit.utf8.count) + ($1.type == .string ? 12 * $1.length : 0) + 288
        }
        self.writer = JSONWriter(capacity: 512 + perChannel)
        self.summaryNames = SummaryNames(definition.channels)
        self.summaryInterval = summaryInterval.nanoseconds
        self.timeout = definition.timeout.nanoseconds
        self.pauseBetweenRequests = definition.pauseBetweenRequests.nanoseconds
        self.pauseAfterConnect = definition.pauseAfterConnect.nanoseconds
        self.degradeFor = definition.degradeFor.nanoseconds
        let now = MonotonicClock.now()
        self.nextSummary = now + self.summaryInterval
        self.intervalStartWall = WallClock.nowMilliseconds()
        self.maintenance = definition.maintenance
        self.link = definition.link.enabled ? LinkWatch(window: definition.link.window, learn: definition.link.learn) : nil
        self.linkTopics = LinkWatch.Metric.allCases.map {
            topics.deviceAlert(device: definition.id, rule: Self.linkRule($0))
        }
        self.identityTopic = topics.identity(definition.id)
        self.identityAlertTopics = (topics.deviceAlert(device: definition.id, rule: "identity"),
                                    topics.deviceAlert(device: definition.id, rule: "mode"))
    }

    /// Takes over the device-level watches of the runtime this one replaces (reload): identity and its open
    /// alerts, and the link baselines when the link settings did not change.
    func adoptDeviceState(_ old: DeviceRuntime) {
        if self.definition.identity && old.definition.identity {
            self.identity = old.identity
            self.identityAlertOpen = old.identityAlertOpen
            self.publishedIdentity = old.publishedIdentity
            self.serverIDUnsupported = old.serverIDUnsupported
            self.deviceIdentificationUnsupported = old.deviceIdentificationUnsupported
            self.identityDue = old.identityDue
        }
        if self.definition.link == old.definition.link { self.link = old.link }
    }

    static func linkRule(_ metric: LinkWatch.Metric) -> String {
        switch metric {
        case .latency: "latency"
        case .timeouts: "timeouts"
        case .exceptions: "exceptions"
        }
    }

    /// Re-evaluates whether a maintenance window is open (local time), at most once a second.
    func updateMaintenance(nowWallMilliseconds: Int64) {
        guard !self.maintenance.isEmpty else { return }
        let second = nowWallMilliseconds / 1000
        guard second != self.maintenanceCheckedSecond else { return }
        self.maintenanceCheckedSecond = second
        let c = LocalClock.civil(unixSeconds: second)
        let now = LocalTime(year: c.year, month: c.month, day: c.day, weekday: c.weekday, hour: c.hour, minute: c.minute)
        let open = self.maintenance.contains { $0.contains(now) }
        if open != self.inMaintenance {
            self.inMaintenance = open
            self.onNote?(open ? "maintenance window open: parameter and identity changes are accepted"
                              : "maintenance window closed: parameter and identity changes alert again")
        }
    }

    /// Feeds the link watch one transaction's outcome; publishes the window's events.
    func recordLink(_ outcome: LinkWatch.Outcome, now: Int64) {
        guard self.link != nil else { return }
        let n = self.link!.record(outcome, now: now, into: &self.linkEvents)
        guard n > 0, let onRecord = self.onRecord else { return }
        for i in 0..<n {
            let e = self.linkEvents[i]
            onRecord(LinkAlerts.record(e, device: self.definition.id), self.linkTopics[e.metric.rawValue])
        }
    }

    deinit {
        self.words.deallocate()
        self.bits.deallocate()
        for c in self.channels { c.release() }
        self.latency.release()
    }

    /// What one poll cycle came to.
    struct CycleResult {
        var succeeded = 0
        var failed = 0
        /// Requests answered with an exception that shows the device itself is alive (not 10/11, which a gateway
        /// sends for a dead device behind it).
        var answeredWithException = 0
        var firstError: ModbusError?
        var linkDown = false

        /// No request got any answer from the device.
        var noAnswer: Bool { self.succeeded == 0 && self.answeredWithException == 0 && self.failed > 0 }
    }

    /// The earliest time one of the device's groups is due (or its degradation ends).
    var nextDue: Int64 {
        let due = self.groups.map(\.nextPoll).min() ?? .max
        return self.state == .degraded ? max(due, self.degradedUntil) : due
    }

    /// Runs one cycle of group `g`: every request (with retries and pauses), decoding into the channel rings.
    /// `waitForBus(earliest)` waits until the monotonic time `earliest` and whatever the bus requires (turnaround)
    /// and returns false when the agent is stopping.
    func poll(group g: Int, on connection: ModbusConnection, waitForBus: (Int64) -> Bool) -> CycleResult {
        var result = CycleResult()
        self.updateMaintenance(nowWallMilliseconds: WallClock.nowMilliseconds())
        connection.setUnit(self.definition.unit)
        connection.setTimeout(nanoseconds: self.timeout)
        self.counters.polls += 1
        let start = MonotonicClock.now()
        self.groups[g].timestamps.push(start)
        let pending = self.groups[g].pending
        if pending.isFull { self.runDetectors(group: g) }  // not reached: a full batch runs as its cycle ends
        pending.beginCycle(at: start)
        defer {
            pending.endCycle()
            if pending.isDue(now: MonotonicClock.now(), latency: self.detectionLatency, interval: self.groups[g].interval) {
                self.runDetectors(group: g)
            }
        }
        for r in self.groups[g].requests.indices {
            if result.linkDown {
                self.markFailed(group: g, request: r)
                continue
            }
            let request = self.groups[g].requests[r]
            var lastError: ModbusError?
            for attempt in 0...self.definition.retries {
                guard waitForBus(self.lastRequestEnd + self.pauseBetweenRequests) else {
                    lastError = ModbusError(.timedOut, during: .read(unit: self.definition.unit, table: request.table,
                                                                      address: request.address, count: request.count))
                    break
                }
                let start = MonotonicClock.now()
                do throws(ModbusError) {
                    try self.read(request, on: connection)
                    self.lastRequestEnd = MonotonicClock.now()
                    self.latency.add(milliseconds: Double(self.lastRequestEnd - start) / 1e6)
                    self.recordLink(.answered(rttNanoseconds: self.lastRequestEnd - start), now: self.lastRequestEnd)
                    lastError = nil
                    break
                } catch {
                    self.lastRequestEnd = MonotonicClock.now()
                    lastError = error
                    if case .exception(let e) = error.kind, e != .gatewayPathUnavailable, e != .gatewayTargetFailedToRespond {
                        self.recordLink(.exception(rttNanoseconds: self.lastRequestEnd - start), now: self.lastRequestEnd)
                    } else {
                        self.recordLink(.unanswered, now: self.lastRequestEnd)
                    }
                    var retryable = false
                    switch error.kind {
                    case .timedOut:
                        self.counters.timeouts += 1
                        connection.flush()
                        retryable = true
                    case .protocolViolation:
                        // Typically a late answer taken for this request's: this one's is still on its way.
                        connection.drain(quiet: 20_000_000, limit: self.definition.timeout.nanoseconds)
                        retryable = true
                    case .exception(let e):
                        retryable = e == .serverDeviceBusy || e == .acknowledge
                    default:
                        break
                    }
                    if error.requiresReconnect || !retryable || attempt == self.definition.retries { break }
                }
            }
            if let error = lastError {
                result.failed += 1
                self.counters.errors += 1
                if result.firstError == nil { result.firstError = error }
                if case .exception(let e) = error.kind, e != .gatewayPathUnavailable, e != .gatewayTargetFailedToRespond {
                    result.answeredWithException += 1
                }
                if error.requiresReconnect { result.linkDown = true }
                self.markFailed(group: g, request: r)
            } else {
                result.succeeded += 1
                self.decode(group: g, request: r)
            }
        }
        return result
    }

    private func read(_ request: ReadRequest, on connection: ModbusConnection) throws(ModbusError) {
        if request.table.holdsBits {
            try connection.readBits(request.table, address: request.address,
                                    into: UnsafeMutableBufferPointer(rebasing: self.bits[0..<request.count]))
        } else {
            try connection.readRegisters(request.table, address: request.address,
                                         into: UnsafeMutableBufferPointer(rebasing: self.words[0..<request.count]))
        }
    }

    private func decode(group g: Int, request r: Int) {
        let request = self.groups[g].requests[r]
        let offsets = self.groups[g].offsets[r]
        let pending = self.groups[g].pending
        let time = Double(self.lastRequestEnd) / 1e9
        pending.stamp(time, request: r)
        let first = pending.firstChannel[r]
        for (k, index) in request.channels.enumerated() {
            let offset = offsets[k]
            var value: Double
            if request.table.holdsBits {
                value = self.bits[offset] != 0 ? 1 : 0
            } else {
                let codec = self.channels[index].codec
                let words = UnsafeBufferPointer(rebasing: self.words[offset..<(offset + codec.registerCount)])
                value = codec.decode(words)
                if self.channels[index].keepsWords {
                    _ = self.channels[index].lastWords.update(fromContentsOf: words)
                }
                if codec.type != .string {
                    value = self.channels[index].scaling.apply(value)
                }
            }
            if !value.isFinite { value = .nan }  // a NaN/Inf float from the PLC counts as no sample
            self.channels[index].summary.add(value)
            self.channels[index].lastFailed = false
            self.channels[index].attempted = true
            if self.channels[index].hasDetectors {
                pending.store(value, position: first + k)  // for the detectors: see runDetectors(group:)
            } else {
                _ = self.channels[index].record(value, at: time)
            }
            if !value.isNaN {
                self.channels[index].lastGood = self.lastRequestEnd
                self.channels[index].lastValue = value
                if let role = self.channels[index].role { self.watchParameter(index, value, role: role) }
            }
        }
    }

    /// Steps a role channel's parameter watch; turns its events into alerts (allocation only then).
    private func watchParameter(_ index: Int, _ value: Double, role: ChannelRole) {
        let hadBaseline = self.channels[index].parameter.baseline != nil
        let event = self.channels[index].parameter.observe(value, inMaintenance: self.inMaintenance)
        if hadBaseline && event == nil { return }  // the per-sample path: nothing to report
        let channel = self.channels[index]
        let isString = channel.isString
        func text(_ v: Double) -> String {
            if isString { return v.bitPattern == value.bitPattern ? channel.codec.text(UnsafeBufferPointer(channel.lastWords)) : (channel.baselineText ?? "?") }
            return NumberText.short(v) + (channel.unit.isEmpty ? "" : " \(channel.unit)")
        }
        if !hadBaseline {
            self.integrityDirty = true
            if isString { self.channels[index].baselineText = text(value) }
            return
        }
        guard let event else { return }
        self.integrityDirty = true
        let (severity, attack) = AlertRecord.techniques(of: role)
        var record = AlertRecord(transition: .open, severity: severity, rule: role.rawValue, ruleType: "integrity",
                                 channel: channel.id, message: "", attack: attack)
        record.unit = channel.unit
        let name = "\(channel.id) (\(role.rawValue))"
        switch event {
        case .changed(let from, let to, let first):
            record.transition = first ? .open : .update
            record.value = isString ? .nan : to
            record.expected = isString ? .nan : from
            let fromText = isString ? (channel.baselineText ?? "?") : text(from)
            let toText = text(to)
            if isString { record.changes = [("value", fromText, toText)] }
            record.message = "\(name) changed from \(fromText) to \(toText) outside a maintenance window"
        case .restored(let v):
            record.transition = .close
            record.value = isString ? .nan : v
            record.message = "\(name) is back at its baseline \(isString ? (channel.baselineText ?? "?") : text(v))"
        case .accepted(let from, let to):
            record.transition = .close
            record.value = isString ? .nan : to
            record.expected = isString ? .nan : from
            let toText = text(to)
            if isString { self.channels[index].baselineText = toText }
            record.message = "\(name) change to \(toText) accepted in a maintenance window (new baseline)"
        case .rebaselined(_, let to):
            let toText = text(to)
            if isString { self.channels[index].baselineText = toText }
            self.onNote?("\(name) set to \(toText) in a maintenance window: new baseline")
            return
        }
        self.onRecord?(record, channel.roleTopic)
    }

    private func markFailed(group g: Int, request r: Int) {
        let pending = self.groups[g].pending
        pending.stamp(0, request: r)
        let first = pending.firstChannel[r]
        for (k, index) in self.groups[g].requests[r].channels.enumerated() {
            if self.channels[index].hasDetectors {
                pending.store(.nan, position: first + k)
            } else {
                _ = self.channels[index].record(.nan, at: 0)
            }
            self.channels[index].lastFailed = true
            self.channels[index].attempted = true
        }
    }

    /// Runs the detectors of group `g`'s channels on their pending samples, a channel's batch at a time (its
    /// state is fetched into the caches once per batch), and hands their events to ``onAlert``.
    func runDetectors(group g: Int) {
        let pending = self.groups[g].pending
        guard pending.count > 0 else { return }
        defer { pending.clear() }
        let requests = self.groups[g].requests
        for r in requests.indices {
            let times = pending.times(request: r)
            let first = pending.firstChannel[r]
            for (k, index) in requests[r].channels.enumerated() {
                guard let bank = self.channels[index].bank else { continue }
                // The bank's history is the channel's ring, unless the window is too short to share.
                let ring = bank.history === self.channels[index].ring ? nil : self.channels[index].ring
                let values = pending.values(position: first + k)
                var maxScore = self.channels[index].maxScore
                for s in values.indices {
                    let events = bank.update(values[s], at: times[s])
                    ring?.push(values[s])
                    if bank.lastScore > maxScore { maxScore = bank.lastScore }
                    if events > 0, let onAlert = self.onAlert {
                        for event in bank.events { onAlert(index, event) }
                    }
                }
                self.channels[index].maxScore = maxScore
            }
        }
    }

    /// Runs every group's pending detector input (before a summary or a snapshot reads the detectors and rings).
    func runDetectors() {
        for g in self.groups.indices { self.runDetectors(group: g) }
    }

    // MARK: Payloads

    /// Builds the summary of the interval that ends now into `writer`, and starts the next interval.
    /// `{"v":1,"seq":N,"ts":…,"from":…,"to":…,"channels":{"<id>":{"n":…,"min":…,"max":…,"mean":…,"std":…,"last":…,"unit":"…","q":"good"}}}`
    func buildSummary(nowWall: Int64, seq: UInt64) {
        let w = self.writer
        w.reset()
        w.beginObject()
        w.key(literal: "v")
        w.integer(1)
        w.key(literal: "seq")
        w.integer(Int64(seq))
        w.key(literal: "ts")
        w.timestamp(unixMilliseconds: nowWall)
        w.key(literal: "from")
        w.timestamp(unixMilliseconds: self.intervalStartWall)
        w.key(literal: "to")
        w.timestamp(unixMilliseconds: nowWall)
        w.key(literal: "channels")
        w.beginObject()
        // In place: a copy of each channel (`let c = self.channels[index]`) would retain and release its references.
        var open = 0
        for index in self.channels.indices { open += self.summarize(&self.channels[index], index) }
        w.endObject()
        w.key(literal: "alerts")
        w.integer(open)
        w.endObject()
        self.intervalStartWall = nowWall
    }

    /// One channel's member of the summary; starts its next interval. Returns the channel's open alerts.
    private func summarize(_ c: inout ChannelRuntime, _ index: Int) -> Int {
        let w = self.writer
        self.summaryNames.withKey(index) { w.key(rendered: $0) }
        w.beginObject()
        w.key(literal: "n")
        w.integer(c.summary.count)
        if c.summary.count > 0 {
            if c.isString {
                w.key(literal: "last")
                w.string(c.codec.text(UnsafeBufferPointer(c.lastWords)))
            } else {
                w.key(literal: "min")
                self.sample(c.summary.min, c.singlePrecision)
                w.key(literal: "max")
                self.sample(c.summary.max, c.singlePrecision)
                w.key(literal: "mean")
                self.sample(c.summary.mean, c.singlePrecision)
                w.key(literal: "std")
                self.sample(c.summary.standardDeviation, c.singlePrecision)
                w.key(literal: "last")
                self.sample(c.summary.last, c.singlePrecision)
            }
        }
        w.key(literal: "unit")
        self.summaryNames.withUnit(index) { w.value(rendered: $0) }
        w.key(literal: "q")
        w.string(literal: c.quality.literal)
        if let bank = c.bank {
            if bank.configuration.score != nil {
                w.key(literal: "score")
                w.number(c.maxScore)
            }
            w.key(literal: "alerts")
            w.integer(bank.openCount)
        }
        w.endObject()
        c.summary.reset()
        c.attempted = false
        c.maxScore = 0
        return c.bank?.openCount ?? 0
    }

    private func sample(_ value: Double, _ singlePrecision: Bool) {
        if singlePrecision { self.writer.number(float32: value) } else { self.writer.number(value) }
    }

    /// `{"state":"online","ts":…,"polls":…,"errors":…,"timeouts":…,"reconnects":…,"rtt_ms":{"p50":…,"max":…}}`,
    /// with `"error":"…"` when not online.
    func statusPayload(nowWall: Int64) -> [UInt8] {
        let w = JSONWriter(capacity: 768 + 6 * (self.error?.utf8.count ?? 0))
        w.beginObject()
        w.key("state")
        w.string((self.state ?? .offline).rawValue)
        w.key("ts")
        w.timestamp(unixMilliseconds: nowWall)
        if let error = self.error, self.state != .online {
            w.key("error")
            w.string(error)
        }
        w.key("polls")
        w.integer(self.counters.polls)
        w.key("errors")
        w.integer(self.counters.errors)
        w.key("timeouts")
        w.integer(self.counters.timeouts)
        w.key("reconnects")
        w.integer(self.counters.reconnects)
        w.key("rtt_ms")
        w.beginObject()
        w.key("p50")
        if self.latency.isEmpty { w.null() } else { w.number(Self.round3(self.latency.median())) }
        w.key("max")
        if self.latency.isEmpty { w.null() } else { w.number(Self.round3(self.latency.maximum)) }
        w.endObject()
        w.endObject()
        return Array(w.bytes)
    }

    /// Milliseconds to the microsecond.
    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }
}
