/// The parameters of the statistical detectors (`spike`, `shift`, `score`), each with a general meaning: a count
/// of samples, a z-level, a probability, or a surprise (−ln of a tail probability). The defaults are one set for
/// all channels, checked on the NAB development subset (see `scripts/nab-score` and the README).
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

    // Spike model: robust z of the residual against recently accepted residuals.
    /// Accepted residuals in the rolling median / IQR window, samples.
    public var spikeWindow = 128
    /// |z| at or above this flags a sample, which is then not learnt.
    public var learnZ = 3.0
    /// …unless flags persisted this many samples in a row: the deviation becomes the new normal.
    public var relearn = 128

    // CUSUM of the clipped z.
    /// CUSUM allowance (z-level): shifts smaller than about twice this are ignored.
    public var cusumK = 1.0
    /// z is clipped to ±this before entering the CUSUM.
    public var cusumClip = 6.0

    // Calibration (anomaly likelihood): each statistic's recent history, exponential tail fit.
    /// History of each statistic used for its tail fit, samples.
    public var calibrationHistory = 512
    /// Tail fraction of that history fitted by the exponential tail (a probability).
    public var calibrationAlpha = 0.02
    /// At least this many tail values in the fit.
    public var calibrationMinTail = 5
    /// Smallest tail scale β, in the statistic's units (|z|, CUSUM). Without it a statistic with ties at the top
    /// (a quantised signal: a few register counts of noise) has β ≈ 0, and any value just above its largest seen
    /// so far looks infinitely surprising.
    public var calibrationMinBeta = 0.1
    /// The same for the CUSUM's tail.
    public var calibrationMinBetaShift = 0.5

    /// Samples before any statistical detector may fire (and the shortest calibration history).
    public var warmup = 100
    /// Surprise (−ln p) at which the score is 0.5 and the spike alert opens: 10, i.e. p = e⁻¹⁰ = 4.5·10⁻⁵.
    public var spikeSurprise = 10.0
    /// Surprise at which the stand-alone shift alert opens (more conservative).
    public var shiftSurprise = 16.0
    /// Spike and shift alerts count as clear while the surprise is below this share of their opening level.
    public var clearRatio = 2.0 / 3.0

    public init() {}

    /// The largest surprise computed (p ≥ e⁻⁷⁰⁰, the float64 range).
    public static let surpriseCap = 700.0
    /// The spike window needs this many accepted residuals before z is defined.
    public static let minimumFill = 16
}
