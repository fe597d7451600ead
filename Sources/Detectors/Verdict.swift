/// What a detector says of one sample.
public struct Verdict: Sendable, Hashable {
    /// The alert condition holds.
    public var active: Bool
    /// The detector's measure: z-score, CUSUM statistic, rate, distance past a limit, likelihood…
    public var score: Double
    /// What the value was expected to be (baseline, violated limit); NaN when there is none.
    public var expected: Double

    public init(active: Bool, score: Double, expected: Double) {
        self.active = active
        self.score = score
        self.expected = expected
    }

    public static let quiet = Verdict(active: false, score: 0, expected: .nan)
}
