/// `score`: the combined anomaly score in [0, 1) of each sample, S/(S + 8) with S the calibrated surprise of the
/// spike statistic (0.5 at a tail probability of e⁻⁸). The alert opens at `threshold` and counts as clear below
/// the score of two thirds of that surprise (0.4 for the default 0.5): hysteresis.
public enum ScoreDetector {
    public struct Parameters: Sendable, Hashable {
        public var threshold: Double

        public init(threshold: Double = 0.5) { self.threshold = threshold }
    }

    /// The score below which an open score alert counts as clear.
    static func clearLevel(threshold: Double, halfSurprise: Double, ratio: Double) -> Double {
        let s = ratio * halfSurprise * threshold / (1 - threshold)
        return s / (s + halfSurprise)
    }
}
