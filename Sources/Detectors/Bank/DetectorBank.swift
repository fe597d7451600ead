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
    private var trackers: [AlertTracker?]
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
        var trackers = [AlertTracker?](repeating: nil, count: DetectorKind.allCases.count)
        trackers[DetectorKind.range.index] = configuration.range.map { AlertTracker(policy: $0.policy) }
        trackers[DetectorKind.rate.index] = configuration.rate.map { AlertTracker(policy: $0.policy) }
        trackers[DetectorKind.spike.index] = configuration.spike.map { AlertTracker(policy: $0.policy) }
        trackers[DetectorKind.shift.index] = configuration.shift.map { AlertTracker(policy: $0.policy) }
        trackers[DetectorKind.flatline.index] = configuration.flatline.map { AlertTracker(policy: $0.policy) }
        trackers[DetectorKind.score.index] = configuration.score.map { AlertTracker(policy: $0.policy) }
        self.trackers = trackers
        self.eventBuffer = .allocate(capacity: DetectorKind.allCases.count)
        self.eventBuffer.initialize(repeating: AlertEvent(kind: .range, transition: .open, severity: .low, value: 0,
                                                          time: 0, verdict: .quiet, extreme: 0))
    }

    deinit { self.eventBuffer.deallocate() }

    /// The events of the last ``update(_:at:)``.
    public var events: UnsafeBufferPointer<AlertEvent> {
        UnsafeBufferPointer(rebasing: self.eventBuffer[0..<self.eventCount])
    }

    /// Whether the alert of `kind` is open.
    public func isOpen(_ kind: DetectorKind) -> Bool { self.trackers[kind.index]?.isOpen ?? false }

    /// Alerts open on this channel.
    public var openCount: Int {
        var n = 0
        for t in self.trackers where t?.isOpen == true { n += 1 }
        return n
    }

    /// Feeds one sample (`t` in seconds); returns the number of events (see ``events``).
    @discardableResult
    public func update(_ x: Double, at t: Double) -> Int {
        self.eventCount = 0
        guard !x.isNaN else { return 0 }
        self.samples += 1
        if let range = self.range, let setting = self.configuration.range {
            let v = range.update(x, isOpen: self.isOpen(.range))
            self.step(.range, setting.warmup, setting.policy.severity, v, x, t)
        }
        if self.rate != nil, let setting = self.configuration.rate {
            let v = self.rate!.update(x, at: t)
            self.step(.rate, setting.warmup, setting.policy.severity, v, x, t)
        }
        var spikeVerdict: Verdict?
        if self.spike != nil, let setting = self.configuration.spike {
            let v = self.spike!.update(x)
            spikeVerdict = v
            self.step(.spike, setting.warmup, setting.policy.severity, v, x, t)
        }
        var shiftVerdict: Verdict?
        if self.shift != nil, let setting = self.configuration.shift {
            let v = self.shift!.update(x)
            shiftVerdict = v
            self.step(.shift, setting.warmup, setting.policy.severity, v, x, t)
        }
        if self.flatline != nil, let setting = self.configuration.flatline {
            let v = self.flatline!.update(x, at: t)
            self.step(.flatline, setting.warmup, setting.policy.severity, v, x, t)
        }
        if let score = self.score, let setting = self.configuration.score {
            let v = score.update(spike: spikeVerdict, shift: shiftVerdict,
                                 spikeThreshold: self.configuration.spike?.parameters.threshold ?? 6,
                                 shiftThreshold: self.configuration.shift?.parameters.threshold ?? 12)
            self.lastScore = self.samples > setting.warmup ? v.score : 0
            self.step(.score, setting.warmup, setting.policy.severity, v, x, t)
        }
        return self.eventCount
    }

    private func step(_ kind: DetectorKind, _ warmup: Int, _ severity: Severity, _ verdict: Verdict, _ x: Double,
                      _ t: Double) {
        let active = verdict.active && self.samples > warmup
        guard let transition = self.trackers[kind.index]!.step(at: t, active: active, score: verdict.score) else { return }
        self.eventBuffer[self.eventCount] = AlertEvent(kind: kind, transition: transition, severity: severity, value: x,
                                                       time: t, verdict: verdict,
                                                       extreme: self.trackers[kind.index]!.extreme)
        self.eventCount += 1
    }
}
