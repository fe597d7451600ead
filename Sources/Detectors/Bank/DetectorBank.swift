/// The detectors of one channel and their alert lifecycles. All state is allocated in `init`; ``update(_:at:)``
/// allocates nothing: its events land in a fixed buffer read through ``events``.
///
/// NaN samples (bad reads) are skipped entirely. Each detector learns during its warm-up and raises no condition
/// until it has seen `warmup` samples; a detector does not learn from the samples it flags.
public final class DetectorBank: @unchecked Sendable {
    public let configuration: DetectorBankConfiguration
    private var range: RangeDetector?
    private var rate: RateDetector?
    private var spike: SpikeDetector?
    private var shift: ShiftDetector?
    private var flatline: FlatlineDetector?
    private var score: ScoreDetector?
    /// One tracker per detector kind (unused for kinds not configured), with each kind's warm-up and severity.
    private let trackers: UnsafeMutableBufferPointer<AlertTracker>
    private let configured: [Bool]
    private let warmups: [Int]
    private let severities: [Severity]
    private let eventBuffer: UnsafeMutableBufferPointer<AlertEvent>
    public private(set) var eventCount = 0
    /// Samples seen (not NaN).
    public private(set) var samples = 0
    /// The last combined anomaly score in [0, 1] (0 without a `score` detector).
    public private(set) var lastScore = 0.0

    public init(_ configuration: DetectorBankConfiguration) {
        self.configuration = configuration
        self.range = configuration.range.map { RangeDetector($0.parameters) }
        self.rate = configuration.rate.map { RateDetector($0.parameters) }
        self.spike = configuration.spike.map { SpikeDetector($0.parameters) }
        self.shift = configuration.shift.map { ShiftDetector($0.parameters) }
        self.flatline = configuration.flatline.map { FlatlineDetector($0.parameters) }
        self.score = configuration.score.map { ScoreDetector($0.parameters) }
        let policies: [(AlertPolicy, Int)?] = [
            configuration.range.map { ($0.policy, $0.warmup) }, configuration.rate.map { ($0.policy, $0.warmup) },
            configuration.spike.map { ($0.policy, $0.warmup) }, configuration.shift.map { ($0.policy, $0.warmup) },
            configuration.flatline.map { ($0.policy, $0.warmup) }, configuration.score.map { ($0.policy, $0.warmup) },
        ]
        self.trackers = .allocate(capacity: policies.count)
        for (i, p) in policies.enumerated() {
            (self.trackers.baseAddress! + i).initialize(to: AlertTracker(policy: p?.0 ?? AlertPolicy()))
        }
        self.configured = policies.map { $0 != nil }
        self.warmups = policies.map { $0?.1 ?? 0 }
        self.severities = policies.map { $0?.0.severity ?? .low }
        self.eventBuffer = .allocate(capacity: DetectorKind.allCases.count)
        self.eventBuffer.initialize(repeating: AlertEvent(kind: .range, transition: .open, severity: .low, value: 0,
                                                          time: 0, verdict: .quiet, extreme: 0))
    }

    deinit {
        self.eventBuffer.deallocate()
        self.trackers.deinitialize()
        self.trackers.deallocate()
    }

    /// The events of the last ``update(_:at:)``.
    public var events: UnsafeBufferPointer<AlertEvent> {
        UnsafeBufferPointer(rebasing: self.eventBuffer[0..<self.eventCount])
    }

    /// Whether the alert of `kind` is open.
    public func isOpen(_ kind: DetectorKind) -> Bool { self.configured[kind.index] && self.trackers[kind.index].isOpen }

    /// Alerts open on this channel.
    public var openCount: Int {
        var n = 0
        for i in 0..<self.trackers.count where self.configured[i] && self.trackers[i].isOpen { n += 1 }
        return n
    }

    /// Feeds one sample (`t` in seconds); returns the number of events (see ``events``).
    @discardableResult
    public func update(_ x: Double, at t: Double) -> Int {
        self.eventCount = 0
        guard !x.isNaN else { return 0 }
        self.samples += 1
        if let range = self.range {
            self.step(.range, range.update(x, isOpen: self.trackers[DetectorKind.range.index].isOpen), x, t)
        }
        if self.rate != nil {
            self.step(.rate, self.rate!.update(x, at: t), x, t)
        }
        var spikeVerdict: Verdict?
        if self.spike != nil {
            let v = self.spike!.update(x)
            spikeVerdict = v
            self.step(.spike, v, x, t)
        }
        var shiftVerdict: Verdict?
        if self.shift != nil {
            let v = self.shift!.update(x)
            shiftVerdict = v
            self.step(.shift, v, x, t)
        }
        if self.flatline != nil {
            self.step(.flatline, self.flatline!.update(x, at: t), x, t)
        }
        if let score = self.score {
            let v = score.update(spike: spikeVerdict, shift: shiftVerdict,
                                 spikeThreshold: self.configuration.spike?.parameters.threshold ?? 6,
                                 shiftThreshold: self.configuration.shift?.parameters.threshold ?? 12)
            self.lastScore = self.samples > self.warmups[DetectorKind.score.index] ? v.score : 0
            self.step(.score, v, x, t)
        }
        return self.eventCount
    }

    private func step(_ kind: DetectorKind, _ verdict: Verdict, _ x: Double, _ t: Double) {
        let i = kind.index
        let active = verdict.active && self.samples > self.warmups[i]
        guard let transition = self.trackers[i].step(at: t, active: active, score: verdict.score) else { return }
        self.eventBuffer[self.eventCount] = AlertEvent(kind: kind, transition: transition, severity: self.severities[i],
                                                       value: x, time: t, verdict: verdict, extreme: self.trackers[i].extreme)
        self.eventCount += 1
    }
}
