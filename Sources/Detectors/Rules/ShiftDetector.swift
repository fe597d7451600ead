/// `shift`: a level shift or drift, by a two-sided CUSUM of the robust z of the residuals (clipped to ±6, with an
/// allowance of `drift` per sample), calibrated into a surprise like the spike statistic. The alert opens at
/// `threshold` (default 16: more conservative than a spike, as a CUSUM stays high for a while).
public enum ShiftDetector {
    public struct Parameters: Sendable, Hashable {
        public var threshold: Double
        /// CUSUM allowance per sample, in robust standard deviations: shifts below about twice it are ignored.
        public var drift: Double

        public init(threshold: Double = 16, drift: Double = 1) {
            self.threshold = threshold
            self.drift = drift
        }
    }
}
