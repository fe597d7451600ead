/// `shift`: a level that stays off: a step (the median of the last 7 residuals at least 2 robust σ from the recent
/// normal) or a drift (the CUSUM of that level beyond an allowance of `drift` per sample), each calibrated into a
/// surprise like the spike statistic. A spike cannot move the level; a frozen value is flatline's. The alert
/// opens at `threshold` (default: the channel's alarm level, as for spike) and closes once the level is back, or
/// once the new level has been accepted as the normal.
public enum ShiftDetector {
    public struct Parameters: Sendable, Hashable {
        /// Surprise at which the alert opens; nil: the channel's alarm level, as for spike.
        public var threshold: Double?
        /// CUSUM allowance per sample, in robust standard deviations: a level nearer the normal does not add up.
        public var drift: Double

        public init(threshold: Double? = nil, drift: Double = 1.5) {
            self.threshold = threshold
            self.drift = drift
        }
    }
}
