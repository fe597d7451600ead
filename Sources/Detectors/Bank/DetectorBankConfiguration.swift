/// Which detectors watch a channel, and how. Compiled from the board (`detectors:`), or the default bank.
public struct DetectorBankConfiguration: Sendable, Hashable {
    /// The settings live in one immutable box that copies share until one of them changes (copy on write): a
    /// board holds a configuration per channel, mostly the default bank, and the settings are 0.6 KB.
    private var storage: Shared<DetectorBankSettings>

    public var range: DetectorSetting<RangeDetector.Parameters>? {
        get { self.storage.value.range }
        set { self.change { $0.range = newValue } }
    }
    public var rate: DetectorSetting<RateDetector.Parameters>? {
        get { self.storage.value.rate }
        set { self.change { $0.rate = newValue } }
    }
    public var spike: DetectorSetting<SpikeDetector.Parameters>? {
        get { self.storage.value.spike }
        set { self.change { $0.spike = newValue } }
    }
    public var shift: DetectorSetting<ShiftDetector.Parameters>? {
        get { self.storage.value.shift }
        set { self.change { $0.shift = newValue } }
    }
    public var flatline: DetectorSetting<FlatlineDetector.Parameters>? {
        get { self.storage.value.flatline }
        set { self.change { $0.flatline = newValue } }
    }
    public var score: DetectorSetting<ScoreDetector.Parameters>? {
        get { self.storage.value.score }
        set { self.change { $0.score = newValue } }
    }
    public var spoof: DetectorSetting<SpoofDetector.Parameters>? {
        get { self.storage.value.spoof }
        set { self.change { $0.spoof = newValue } }
    }
    /// The signal's period in seconds, when the channel declares one (seasonal baseline).
    public var period: Double? {
        get { self.storage.value.period }
        set { self.change { $0.period = newValue } }
    }

    /// A change that changes nothing keeps the box (the board reader sets `period` on every channel, mostly to
    /// nil); a real change takes the box of equal settings other configurations already use, so that the channels
    /// of a board with the same detectors share one box instead of 0.6 KB each.
    private mutating func change(_ body: (inout DetectorBankSettings) -> Void) {
        var settings = self.storage.value
        body(&settings)
        guard settings != self.storage.value else { return }
        self.storage = bankSettings.shared(settings)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.storage === b.storage || a.storage.value == b.storage.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.storage.value)
    }

    public init(range: DetectorSetting<RangeDetector.Parameters>? = nil, rate: DetectorSetting<RateDetector.Parameters>? = nil,
                spike: DetectorSetting<SpikeDetector.Parameters>? = nil, shift: DetectorSetting<ShiftDetector.Parameters>? = nil,
                flatline: DetectorSetting<FlatlineDetector.Parameters>? = nil,
                score: DetectorSetting<ScoreDetector.Parameters>? = nil, period: Double? = nil) {
        self.storage = Shared(DetectorBankSettings(range: range, rate: rate, spike: spike, shift: shift,
                                                   flatline: flatline, score: score, spoof: nil, period: period))
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
