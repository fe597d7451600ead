/// `score`: the combined anomaly score in [0, 1) of each sample, S/(S + A) with S the largest calibrated surprise
/// of the statistical core and A the channel's alarm level: 0.5 exactly where spike and shift open by default.
/// The samples an open alert already explains score at most 0.3 (the score marks where anomalies start). The alert
/// opens at `threshold` on short excursions as spike does and, on a channel without `shift`, on levels that stay
/// off too; it counts as clear below the score of two thirds of its opening surprise (0.4 for the default 0.5).
public enum ScoreDetector {
    public struct Parameters: Sendable, Hashable {
        public var threshold: Double

        public init(threshold: Double = 0.5) { self.threshold = threshold }
    }

    /// The score below which an open score alert counts as clear: the score of `ratio` times the opening
    /// surprise (the same whatever the channel's alarm level, since the score is S/(S + alarm level)).
    static func clearLevel(threshold: Double, ratio: Double) -> Double {
        let s = ratio * threshold / (1 - threshold)
        return s / (s + 1)
    }
}
