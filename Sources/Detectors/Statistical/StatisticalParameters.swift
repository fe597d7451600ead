/// The parameters of the statistical detectors (`spike`, `shift`, `score`), each with a general meaning: a count
/// of samples, a z-level in robust standard deviations, a share, a duration or a surprise (−ln of a tail
/// probability). One set for every channel; see `scripts/nab-score` and the README for how they were checked.
public struct StatisticalParameters: Sendable, Hashable {
    // Seasonal baseline: the period is found online by FFT autocorrelation of the recent samples.
    /// Shortest period considered, samples.
    public var periodMin = 4
    /// Re-estimate the period every this many samples while the history fills; then every `window` samples.
    public var periodFillEvery = 128
    /// Once the history is full, re-estimate the period every this many windows of samples.
    public var periodRecheckWindows = 4
    /// Autocorrelation at a new period needed to adopt it.
    public var acfMin = 0.6
    /// …and its rise above the running minimum of the autocorrelation (rejects trends).
    public var acfProminence = 0.3
    /// A period in use is kept while its autocorrelation stays at least this.
    public var acfKeep = 0.4
    /// The seasonal baseline is the median of the values 1…K periods ago.
    public var seasonK = 3

    // The recent normal: robust z of the residual against recently accepted residuals.
    /// Accepted residuals in the rolling median / IQR window, samples.
    public var spikeWindow = 128
    /// |z| at or above this flags a sample: it starts an excursion and is not learnt.
    public var learnZ = 3.0
    /// …unless the level has been off by `learnZ` for this many samples in a row: the new normal.
    public var relearn = 128

    // Excursions, the level and its drift.
    /// An excursion is over after this many samples in a row back within `returnZ`, the level too.
    public var returnSamples = 2
    /// Back to the normal: within this many robust σ.
    public var returnZ = 2.0
    /// An excursion with at most this many flagged samples is a spike; a longer one is a change of level, shift's.
    public var spikeLength = 3
    /// The level is the median of this many last residuals (2 × spikeLength + 1: a spike cannot move it).
    public var levelWindow = 7
    /// A step: the level at least this many robust σ off.
    public var shiftMinimum = 2.0
    /// The CUSUM of the level accumulates what exceeds this allowance (robust σ per sample; the `drift` key).
    public var cusumK = 1.5
    /// A drift: the CUSUM at least this high (robust σ × samples beyond the allowance).
    public var cusumMinimum = 20.0
    /// A value repeated this many times in a row, on a signal that normally moves, is frozen: the statistical
    /// detectors neither learn it nor alert on it (a stuck value is `flatline`'s; 0 on a channel without flatline).
    public var frozenRepeats = 3

    // Novelty.
    /// A sample beyond the channel's long-term range by this share of the range's width is novel.
    public var noveltyMargin = 0.05
    /// A novel sample needs this much less surprise than the alarm level: ln 10, a tail probability ten times
    /// larger (a value the channel has not come near for a long time needs less evidence than one within its
    /// range, but not much less: heavy tails make new records, and a young range is crossed often).
    public var noveltyDiscount = 2.302585
    /// The long-term range remembers this long (seconds): two weeks.
    public var rangeMemory = 14 * 86400.0

    // Calibration (anomaly likelihood): each statistic's long history on this channel, exponential tail fit.
    /// The calibrations remember about this long (seconds; their weights decay over it)…
    public var calibrationMemory = 14 * 86400.0
    /// …and at least this many values.
    public var calibrationMinMemory = 16384
    /// The tail fitted: this share of the history's weight…
    public var calibrationAlpha = 0.0025
    /// …and at least this many values.
    public var calibrationMinTail = 5
    /// Smallest tail scale β for |z|. Without a floor a statistic with ties at the top (a quantised signal: a few
    /// register counts of noise) has β ≈ 0, and any value just above its largest seen so far looks infinitely
    /// surprising. (β is also never below the mean excess of a normal tail.)
    public var calibrationMinBeta = 0.1
    /// The same for the level and the CUSUM.
    public var calibrationMinBetaShift = 0.5

    // Alert levels.
    /// The default alert level of spike, shift and score is the surprise of one false alarm per this long
    /// (seconds) on a channel that behaves as it has learnt: ln(alarmInterval / sampling interval), 13.3 at 1 s
    /// a sample, 15.6 at 100 ms, 7.6 at 5 minutes.
    public var alarmInterval = 7 * 86400.0
    /// …but at least this (slow channels: one false alarm in about 150 samples).
    public var minimumAlarmSurprise = 5.0
    /// Calibrated values needed before any statistical detector may fire (after the spike window is full).
    public var warmup = 100
    /// Alerts count as clear while their statistic is below this share of their opening level.
    public var clearRatio = 2.0 / 3.0
    /// While an open alert explains the channel, the score of its samples is at most this: the score marks where
    /// anomalies start, not how long they last.
    public var explainedScore = 0.3

    public init() {}

    /// The largest surprise computed (p ≥ e⁻⁷⁰⁰, the float64 range).
    public static let surpriseCap = 700.0
    /// The spike window needs this many accepted residuals before z is defined.
    public static let minimumFill = 16
}
