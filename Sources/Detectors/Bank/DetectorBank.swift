/// The detectors of one channel and their alert lifecycles. All state is allocated in `init`; ``update(_:at:)``
/// allocates nothing: its events land in a fixed buffer read through ``events``.
///
/// The bank keeps the channel's recent samples in ``history`` (the seasonal baseline reads them; the agent
/// snapshots them): give it the channel's ring so that they are stored once.
///
/// NaN samples (bad reads) join the history, so that its ages stay aligned with time, and are otherwise skipped.
/// Each detector learns during its warm-up and raises no condition
/// until it has seen `warmup` samples; a detector does not learn from the samples it flags.
public final class DetectorBank: @unchecked Sendable {
    /// Copy on write: the board's channels and their banks share one copy of the settings.
    public let configuration: DetectorBankConfiguration
    /// Boxed: not in the default bank, and 80 bytes inline.
    private let range: Box<RangeDetector>?
    private let rate: Box<RateDetector>?
    private let core: StatisticalCore?
    /// The same core, for ``update(_:at:)``: calling it through `core` retained and released it at every sample
    /// (atomic operations, 7 % of the bank's time). `core` keeps it alive as long as the bank.
    private let coreReference: Unmanaged<StatisticalCore>?
    /// The channel's recent samples, NaN for failed reads: pushed by ``update(_:at:)``.
    public let history: SampleRing
    @exclusivity(unchecked) private var flatline: FlatlineDetector?
    private let spoof: SpoofDetector?
    /// One tracker per configured detector kind (4 of 7 for the default bank), in kind order.
    private let trackers: UnsafeMutableBufferPointer<AlertTracker>
    /// For each kind (3 bits at 3 × its index), its tracker's position, or 7 when the kind is not configured.
    private let slots: UInt32
    /// Each kind's warm-up, in kind order (0 for kinds not configured), inline: no array per bank.
    private let warmups: SIMD8<Int32>
    /// Each kind's severity, as its index in `Severity.allCases`, 2 bits at 2 × the kind's index.
    private let severityCodes: UInt16
    /// Where ``update(_:at:)`` writes its events: the bank's own, or one its device's banks share.
    private let scratch: AlertEventScratch
    @exclusivity(unchecked) public private(set) var eventCount = 0
    /// Samples seen (not NaN).
    @exclusivity(unchecked) public private(set) var samples = 0
    /// The last combined anomaly score in [0, 1) (0 without a `score` detector, and during warm-up).
    @exclusivity(unchecked) public private(set) var lastScore = 0.0
    /// The highest score of the current stretch of raised scores (0 outside one).
    @exclusivity(unchecked) private var stretchPeak = 0.0
    /// Alert levels set on the board (nil: the channel's alarm level, from its sampling interval).
    private let spikeThreshold: Double?
    private let shiftThreshold: Double?
    private let clearRatio: Double
    private let scoreOpen: Double
    private let scoreClear: Double
    private let shiftMinimum: Double
    private let explainedScore: Double

    /// `window`: the channel's ring capacity, which bounds the seasonal history (and so the longest period found,
    /// half of it). `history`: the channel's sample ring to keep the samples in (allocated here when nil, or when
    /// it is shorter than the 16 samples the statistical detectors need). `events`: where the events of an update
    /// go, shared with banks updated on the same thread (see ``AlertEventScratch``); the bank's own when nil.
    public init(_ configuration: DetectorBankConfiguration, window: Int = 1024, history: SampleRing? = nil,
                events: AlertEventScratch? = nil) {
        self.configuration = configuration
        let ring = history.flatMap { $0.capacity >= 16 ? $0 : nil } ?? SampleRing(capacity: max(window, 16))
        self.history = ring
        self.range = configuration.range.map { Box(RangeDetector($0.parameters)) }
        self.rate = configuration.rate.map { Box(RateDetector($0.parameters)) }
        self.flatline = configuration.flatline.map { FlatlineDetector($0.parameters) }
        self.spoof = configuration.spoof.map { SpoofDetector($0.parameters, history: window) }
        var parameters = StatisticalParameters()
        if let spike = configuration.spike?.parameters {
            parameters.spikeWindow = spike.window
            parameters.learnZ = spike.learnZ
        }
        if let shift = configuration.shift?.parameters { parameters.cusumK = shift.drift }
        // A frozen value is flatline's to report; without flatline the statistical detectors judge it.
        if configuration.flatline == nil { parameters.frozenRepeats = 0 }
        parameters.warmup = configuration.spike?.warmup ?? configuration.score?.warmup ?? configuration.shift?.warmup
            ?? parameters.warmup
        let statistical = configuration.spike != nil || configuration.shift != nil || configuration.score != nil
        let core = statistical
            ? StatisticalCore(history: ring, parameters: parameters, declaredPeriod: configuration.period) : nil
        self.core = core
        self.coreReference = core.map { Unmanaged.passUnretained($0) }
        self.spikeThreshold = configuration.spike?.parameters.threshold
        self.shiftThreshold = configuration.shift?.parameters.threshold
        self.explainedScore = parameters.explainedScore
        self.clearRatio = parameters.clearRatio
        self.shiftMinimum = parameters.shiftMinimum
        self.scoreOpen = configuration.score?.parameters.threshold ?? 0.5
        self.scoreClear = ScoreDetector.clearLevel(threshold: self.scoreOpen, ratio: parameters.clearRatio)
        let policies: [(AlertPolicy, Int)?] = [
            configuration.range.map { ($0.policy, $0.warmup) }, configuration.rate.map { ($0.policy, $0.warmup) },
            configuration.spike.map { ($0.policy, $0.warmup) }, configuration.shift.map { ($0.policy, $0.warmup) },
            configuration.flatline.map { ($0.policy, $0.warmup) }, configuration.score.map { ($0.policy, $0.warmup) },
            configuration.spoof.map { ($0.policy, $0.warmup) },
        ]
        let configured = policies.compactMap { $0 }
        self.trackers = .allocate(capacity: max(1, configured.count))
        for (i, p) in configured.enumerated() {
            (self.trackers.baseAddress! + i).initialize(to: AlertTracker(policy: p.0))
        }
        var slots: UInt32 = 0
        var next: UInt32 = 0
        for (i, p) in policies.enumerated() {
            slots |= (p == nil ? 7 : next) << (3 * UInt32(i))
            if p != nil { next += 1 }
        }
        self.slots = slots
        var warmups = SIMD8<Int32>(repeating: 0)
        var severityCodes: UInt16 = 0
        for (i, p) in policies.enumerated() {
            warmups[i] = Int32(clamping: p?.1 ?? 0)
            let code = Severity.allCases.firstIndex(of: p?.0.severity ?? .low)!
            severityCodes |= UInt16(code) << (2 * UInt16(i))
        }
        self.warmups = warmups
        self.severityCodes = severityCodes
        self.scratch = events ?? AlertEventScratch()
    }

    deinit {
        self.trackers.baseAddress!.deinitialize(count: self.trackerCount)
        self.trackers.deallocate()
    }

    /// The events of the last ``update(_:at:)``, until the next update of a bank sharing its scratch.
    public var events: UnsafeBufferPointer<AlertEvent> {
        UnsafeBufferPointer(rebasing: self.scratch.slots[0..<self.eventCount])
    }

    /// Whether the alert of `kind` is open.
    public func isOpen(_ kind: DetectorKind) -> Bool {
        let slot = self.slot(kind.index)
        return slot != 7 && self.trackers[slot].isOpen
    }

    /// The position of kind `index`'s tracker, 7 when the kind is not configured.
    @inline(__always)
    private func slot(_ index: Int) -> Int { Int((self.slots >> (3 * UInt32(index))) & 7) }

    private func isConfigured(_ kind: DetectorKind) -> Bool { self.slot(kind.index) != 7 }

    private var trackerCount: Int {
        var n = 0
        for i in 0..<DetectorKind.allCases.count where self.slot(i) != 7 { n += 1 }
        return n
    }

    /// Alerts open on this channel: counted at each opening and closing, so that a summary of many channels
    /// does not visit their trackers.
    @exclusivity(unchecked) public private(set) var openCount = 0

    /// Feeds one sample (`t` in seconds); returns the number of events (see ``events``).
    @discardableResult
    public func update(_ x: Double, at t: Double) -> Int {
        self.eventCount = 0
        guard !x.isNaN else {
            self.history.push(.nan)
            return 0
        }
        self.samples += 1
        if let range = self.range {
            let v = range.value.update(x, isOpen: self.isOpen(.range))
            self.step(.range, v, clear: !v.active, x, t)
        }
        if let rate = self.rate {
            let v = rate.value.update(x, at: t)
            self.step(.rate, v, clear: !v.active, x, t)
        }
        if let core = self.coreReference {
            let out = core._withUnsafeGuaranteedRef { $0.update(x, at: t) }  // pushes x into the history
            self.judge(out, x, t)
        }
        if self.flatline != nil {
            let v = self.flatline!.update(x, at: t)
            self.step(.flatline, v, clear: !v.active, x, t)
        }
        if let spoof = self.spoof {
            let v = spoof.update(x)
            self.step(.spoof, v, clear: !v.active, x, t)
        }
        if self.core == nil { self.history.push(x) }
        if self.isConfigured(.score) { self.markStarts() }
        return self.eventCount
    }

    /// The score marks where anomalies start: in a stretch of raised scores only a new peak keeps its score, and
    /// the samples an open alert already explains score no higher than `explainedScore` unless they open one.
    private func markStarts() {
        let raw = self.lastScore
        guard raw > self.explainedScore else {
            self.stretchPeak = 0
            return
        }
        var opened = false
        for i in 0..<self.eventCount where self.scratch.slots[i].transition == .open { opened = true }
        let peak = raw > self.stretchPeak
        if peak { self.stretchPeak = raw }
        if !opened && (self.explained || !peak) { self.lastScore = self.explainedScore }
    }

    /// An open statistical or flatline alert explains the channel's samples.
    private var explained: Bool {
        self.isOpen(.spike) || self.isOpen(.shift) || self.isOpen(.score) || self.isOpen(.flatline)
    }

    /// The statistical detectors' verdicts on one sample. With shift on the channel, each excursion is one
    /// detector's: a spike is known once its excursion is over (its events carry the peak sample), and a level that
    /// stays off is shift's: a step (the level's surprise) or a drift (its CUSUM's), never a frozen value
    /// (flatline's); the score alert marks short excursions as spike does. Without shift, spike and score alert on
    /// any surprising sample at once, as nobody else would report a level.
    private func judge(_ out: StatisticalCore.Output, _ x: Double, _ t: Double) {
        let alarm = out.alarmSurprise
        let spikeOpen = self.spikeThreshold ?? alarm
        let shiftOpen = self.shiftThreshold ?? alarm
        let classify = self.isConfigured(.shift)
        let peak = classify ? out.spike : nil
        if self.isConfigured(.spike) {
            let clear = out.spikeSurprise < self.clearRatio * spikeOpen
            if let peak, peak.surprise >= spikeOpen || peak.novel {
                // A spike is over when it is known: it opens (or updates) at once, whatever `min_duration`.
                self.step(.spike, Verdict(active: true, score: peak.z, expected: peak.expected), clear: false,
                          peak.value, t, eventTime: peak.time, immediate: true)
            } else {
                let active = !classify && !out.frozen && (out.spikeSurprise >= spikeOpen || out.novel)
                self.step(.spike, Verdict(active: active, score: out.z, expected: out.expected),
                          clear: clear && !active, x, t)
            }
        }
        if classify {
            let levelOff = (abs(out.level) >= self.shiftMinimum || out.drifting) && !out.frozen
            let active = out.shiftSurprise >= shiftOpen && levelOff
            let clear = !active && (out.shiftSurprise < self.clearRatio * shiftOpen
                || (abs(out.level) < self.clearRatio * self.shiftMinimum && !out.drifting))
            self.step(.shift, Verdict(active: active, score: out.level, expected: out.expected), clear: clear, x, t)
        }
        if self.isConfigured(.score) {
            let warm = self.samples > Int(self.warmups[DetectorKind.score.index])
            self.lastScore = warm ? out.score : 0
            let clear = self.lastScore < self.scoreClear
            if let peak, peak.novel || peak.surprise / (peak.surprise + alarm) >= self.scoreOpen {
                let surprise = peak.novel ? max(peak.surprise, alarm + 1) : peak.surprise
                self.step(.score, Verdict(active: true, score: surprise / (surprise + alarm), expected: peak.expected),
                          clear: false, peak.value, t, eventTime: peak.time, immediate: true)
            } else {
                let active = !classify && !out.frozen && self.lastScore >= self.scoreOpen
                self.step(.score, Verdict(active: active, score: self.lastScore, expected: out.expected),
                          clear: clear && !active, x, t)
            }
        }
    }

    @inline(__always)
    private func severity(_ index: Int) -> Severity {
        Severity.allCases[Int((self.severityCodes >> (2 * UInt16(index))) & 3)]
    }

    /// `t` is the sample's time (the tracker's clock); `eventTime`, when the event belongs to an earlier sample
    /// (a spike's peak), that sample's time. `immediate`: the condition is a finished event (a spike), which opens
    /// without `min_duration`.
    private func step(_ kind: DetectorKind, _ verdict: Verdict, clear: Bool, _ x: Double, _ t: Double,
                      eventTime: Double? = nil, immediate: Bool = false) {
        let i = kind.index
        let active = verdict.active && self.samples > Int(self.warmups[i])
        let slot = self.slot(i)
        guard let transition = self.trackers[slot].step(at: t, active: active, clear: clear, score: verdict.score,
                                                          immediate: immediate)
        else { return }
        switch transition {
        case .open: self.openCount += 1
        case .close: self.openCount -= 1
        case .update: break
        }
        self.scratch.slots[self.eventCount] = AlertEvent(kind: kind, transition: transition, severity: self.severity(i),
                                                       value: x, time: eventTime ?? t, verdict: verdict,
                                                       extreme: self.trackers[slot].extreme)
        self.eventCount += 1
    }
}
