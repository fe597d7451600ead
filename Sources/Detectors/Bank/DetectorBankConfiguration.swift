/// Which detectors watch a channel, and how. Compiled from the board (`detectors:`), or the default bank.
public struct DetectorBankConfiguration: Sendable, Hashable {
    public var range: DetectorSetting<RangeDetector.Parameters>?
    public var rate: DetectorSetting<RateDetector.Parameters>?
    public var spike: DetectorSetting<SpikeDetector.Parameters>?
    public var shift: DetectorSetting<ShiftDetector.Parameters>?
    public var flatline: DetectorSetting<FlatlineDetector.Parameters>?
    public var score: DetectorSetting<ScoreDetector.Parameters>?
    public var spoof: DetectorSetting<SpoofDetector.Parameters>?
    /// The signal's period in seconds, when the channel declares one (seasonal baseline).
    public var period: Double?

    public init(range: DetectorSetting<RangeDetector.Parameters>? = nil, rate: DetectorSetting<RateDetector.Parameters>? = nil,
                spike: DetectorSetting<SpikeDetector.Parameters>? = nil, shift: DetectorSetting<ShiftDetector.Parameters>? = nil,
                flatline: DetectorSetting<FlatlineDetector.Parameters>? = nil,
                score: DetectorSetting<ScoreDetector.Parameters>? = nil, period: Double? = nil) {
        self.range = range
        self.rate = rate
        self.spike = spike
        self.shift = shift
        self.flatline = flatline
        self.score = score
        self.period = period
    }

    /// No detector at all.
    public static let none = DetectorBankConfiguration()

    /// The bank of a channel without `detectors:`: the statistical detectors with their defaults (range and rate
    /// need limits, so they are off).
    public static let `default` = DetectorBankConfiguration(
        spike: DetectorSetting(SpikeDetector.Parameters(), policy: Self.defaultPolicy(.spike)),
        shift: DetectorSetting(ShiftDetector.Parameters(), policy: Self.defaultPolicy(.shift)),
        flatline: DetectorSetting(FlatlineDetector.Parameters(), policy: Self.defaultPolicy(.flatline)),
        score: DetectorSetting(ScoreDetector.Parameters(), policy: Self.defaultPolicy(.score)))

    public static func defaultSeverity(_ kind: DetectorKind) -> Severity {
        switch kind {
        case .range, .flatline, .spoof: .high
        case .rate, .spike, .shift, .score: .medium
        }
    }

    public static func defaultPolicy(_ kind: DetectorKind) -> AlertPolicy {
        AlertPolicy(severity: self.defaultSeverity(kind))
    }

    public var kinds: [DetectorKind] {
        var kinds: [DetectorKind] = []
        if self.range != nil { kinds.append(.range) }
        if self.rate != nil { kinds.append(.rate) }
        if self.spike != nil { kinds.append(.spike) }
        if self.shift != nil { kinds.append(.shift) }
        if self.flatline != nil { kinds.append(.flatline) }
        if self.score != nil { kinds.append(.score) }
        if self.spoof != nil { kinds.append(.spoof) }
        return kinds
    }

    public var isEmpty: Bool { self.kinds.isEmpty }
}
