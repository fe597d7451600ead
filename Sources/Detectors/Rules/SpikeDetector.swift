/// `spike`: a sample far from what the channel's recent accepted samples (and, with a period, its seasonal
/// baseline) predict: the robust z of its residual, calibrated into a surprise (see ``StatisticalCore``). The
/// alert opens at `threshold` (a surprise, −ln p: 8 means a tail probability of e⁻⁸ ≈ 3.4·10⁻⁴ on this channel).
public enum SpikeDetector {
    public struct Parameters: Sendable, Hashable {
        /// Surprise at which the alert opens.
        public var threshold: Double
        /// Accepted residuals in the rolling median / IQR window, samples.
        public var window: Int
        /// |z| at which a sample is flagged and not learnt.
        public var learnZ: Double

        public init(threshold: Double = 10, window: Int = 128, learnZ: Double = 3) {
            self.threshold = threshold
            self.window = window
            self.learnZ = learnZ
        }
    }
}
