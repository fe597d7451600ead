/// One scheduled fault of a simulated channel.
public struct FaultDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The value jumps by `magnitude` for `for` (default 1s), then returns.
        case spike
        /// The value ramps by `magnitude` over `for` (default 60s), then stays shifted until the schedule repeats.
        case drift
        /// The value freezes at its current reading for `for` (default 30s): no noise, no cycle.
        case stuck
        /// The value shifts by `magnitude` at `at` and stays shifted for `for` (default: until the schedule repeats).
        case step
        /// The value is `value` (outside the normal range) for `for` (default 5s).
        case outOfRange = "out_of_range"
    }

    public var kind: Kind
    /// Onset, from the start of the simulation (or of each repetition).
    public var at: Duration
    /// How long the fault lasts (`nil`: the kind's default).
    public var duration: Duration?
    public var magnitude: Double
    public var value: Double
    /// The detection delay the fault is meant to be caught within (documentation for tests and demos; a drift's
    /// detection time depends on its slope and the shift detector's settings).
    public var detectWithin: Duration?

    public init(kind: Kind, at: Duration, duration: Duration? = nil, magnitude: Double = 0, value: Double = 0,
                detectWithin: Duration? = nil) {
        self.kind = kind
        self.at = at
        self.duration = duration
        self.magnitude = magnitude
        self.value = value
        self.detectWithin = detectWithin
    }

    /// The duration in effect: the given one or the kind's default (`nil` = open-ended).
    public var effectiveDuration: Duration? {
        if let duration { return duration }
        switch self.kind {
        case .spike: return .seconds(1)
        case .drift: return .seconds(60)
        case .stuck: return .seconds(30)
        case .step: return nil
        case .outOfRange: return .seconds(5)
        }
    }
}
