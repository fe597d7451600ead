/// `spike`: a sample far from what the channel's recent accepted samples (and, with a period, its seasonal
/// baseline) predict: the robust z of its residual, calibrated into a surprise (see ``StatisticalCore``).
///
/// With `shift` on the channel, a spike is a short excursion (at most 3 flagged samples, or chatter the level did
/// not follow): its alert opens once the excursion is over, carrying its peak sample, if the peak's surprise
/// reached `threshold` (a surprise, −ln p; by default the channel's alarm level, one false alarm a week at its
/// sampling interval), or if the peak lay beyond the channel's long-term range with ln 10 less surprise than the
/// alarm level. Without `shift`, the alert opens at once on any such sample, a step included.
public enum SpikeDetector {
    public struct Parameters: Sendable, Hashable {
        /// Surprise at which the alert opens; nil: the channel's alarm level (one false alarm a week at its
        /// sampling interval, see ``StatisticalParameters/alarmInterval``).
        public var threshold: Double?
        /// Accepted residuals in the rolling median / IQR window, samples.
        public var window: Int
        /// |z| at which a sample is flagged and not learnt.
        public var learnZ: Double

        public init(threshold: Double? = nil, window: Int = 128, learnZ: Double = 3) {
            self.threshold = threshold
            self.window = window
            self.learnZ = learnZ
        }
    }
}
