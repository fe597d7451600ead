/// The detectors of a channel's bank; the raw value is the alert's `rule.id` and the last topic level.
public enum DetectorKind: String, Sendable, Hashable, CaseIterable {
    /// `min`/`max` limits with hysteresis.
    case range
    /// Rate of change per second beyond `max_per_s`.
    case rate
    /// Robust z-score against a rolling median and robust scale.
    case spike
    /// Level shift or drift (two-sided CUSUM on standardised residuals).
    case shift
    /// Value stuck on a signal that normally moves.
    case flatline
    /// Combined anomaly likelihood in [0, 1].
    case score
    /// Spoofed reporting: exact value frozen, or a replayed stretch (opt-in).
    case spoof

    /// `rule.type` in alert payloads.
    public var ruleType: String {
        switch self {
        case .range, .rate: "threshold"
        case .spoof: "integrity"
        default: "statistical"
        }
    }

    /// Position in `allCases`, for per-detector tables.
    public var index: Int {
        switch self {
        case .range: 0
        case .rate: 1
        case .spike: 2
        case .shift: 3
        case .flatline: 4
        case .score: 5
        case .spoof: 6
        }
    }
}
