/// When an alert opens, updates and closes, per channel and detector.
public struct AlertPolicy: Sendable, Hashable {
    /// The condition must hold this long (seconds) before the alert opens; 0 opens on the first sample.
    public var minDuration: Double
    /// While open, an `update` is published at most this often (seconds), and only for a new extreme.
    public var updateInterval: Double
    /// The alert closes once the condition has been clear this long (seconds)…
    public var clearAfter: Double
    /// …and for at least this many samples in a row (so that a slow channel, or a replay of 5-minute data, does
    /// not close on a single quiet sample).
    public var clearSamples: Int
    public var severity: Severity

    public init(minDuration: Double = 0, updateInterval: Double = 10, clearAfter: Double = 5,
                clearSamples: Int = AlertPolicy.defaultClearSamples, severity: Severity = .medium) {
        self.minDuration = minDuration
        self.updateInterval = updateInterval
        self.clearAfter = clearAfter
        self.clearSamples = clearSamples
        self.severity = severity
    }

    public static let defaultClearSamples = 12
}
