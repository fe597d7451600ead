/// The shared statistics of the `spike`, `shift` and `score` detectors of one channel, per sample:
///
/// 1. the seasonal baseline predicts the sample (when a period was found) and the residual u = x − prediction;
/// 2. the robust z of u against recently accepted residuals (``SpikeModel``);
/// 3. the surprise of |z| (``TailCalibrator``): the spike statistic;
/// 4. a two-sided CUSUM of the clipped z, and its surprise: the shift statistic;
/// 5. the spike model learns u unless it was flagged;
/// 6. the sample joins the seasonal history; when the period changes, the spike model is refilled with the
///    residuals under the new baseline and the CUSUM and calibrations start over.
///
/// The score is S/(S + s½) with S the spike surprise, in [0, 1). Fixed memory, allocated in `init`.
final class StatisticalCore: @unchecked Sendable {
    private let shared: Shared<StatisticalParameters>
    var parameters: StatisticalParameters { self.shared.value }
    /// The sampling interval, for a declared period only.
    private let interval: IntervalEstimator?
    let seasonal: SeasonalBaseline
    let spike: SpikeModel
    private let spikeCalibration: TailCalibrator
    private let shiftCalibration: TailCalibrator
    @exclusivity(unchecked) private var up = 0.0
    @exclusivity(unchecked) private var down = 0.0
    /// Samples seen.
    @exclusivity(unchecked) private(set) var samples = 0

    struct Output {
        var z: Double
        /// The expected value of the sample (seasonal prediction plus the median residual).
        var expected: Double
        var spikeSurprise: Double
        var shiftSurprise: Double
        /// Signed CUSUM: positive upwards, negative downwards.
        var cusum: Double
        var score: Double
        var warm: Bool
    }

    /// The period the channel declares, seconds (nil: found online).
    private let declaredPeriod: Double?

    convenience init(window: Int, parameters: StatisticalParameters, declaredPeriod: Double? = nil) {
        self.init(history: SampleRing(capacity: window), parameters: parameters, declaredPeriod: declaredPeriod)
    }

    /// `history`: the channel's sample ring, which the seasonal baseline reads and this core pushes into.
    init(history: SampleRing, parameters: StatisticalParameters, declaredPeriod: Double? = nil) {
        self.shared = parameterSets.shared(parameters)
        self.declaredPeriod = declaredPeriod
        self.interval = declaredPeriod == nil ? nil : IntervalEstimator()
        self.seasonal = SeasonalBaseline(history: history, parameters: self.shared)
        self.spike = SpikeModel(parameters: self.shared)
        self.spikeCalibration = TailCalibrator(parameters: parameters, minBeta: parameters.calibrationMinBeta)
        self.shiftCalibration = TailCalibrator(parameters: parameters, decluster: true,
                                               minBeta: parameters.calibrationMinBetaShift)
    }

    func update(_ x: Double, at t: Double) -> Output {
        let p = self.parameters
        // A declared period is converted to samples once the sampling interval is known (16 samples).
        if let seconds = self.declaredPeriod, let dt = self.interval?.update(t), self.seasonal.declared == nil,
            self.samples >= 16, dt > 0
        {
            let samples = Int((seconds / dt).rounded())
            if samples >= self.parameters.periodMin && samples <= self.seasonal.window / 2
                && self.seasonal.adopt(declared: samples)
            {
                self.rebuild()
            }
        }
        let prediction = self.seasonal.prediction(lag0: 0)
        let base = prediction.isNaN ? 0 : prediction
        let u = x - base
        let z = self.spike.z(u)
        let expected = base + self.spike.median
        let spikeSurprise = self.spikeCalibration.update(abs(z))
        let clipped = min(p.cusumClip, max(-p.cusumClip, z))
        self.up = max(0, self.up + clipped - p.cusumK)
        self.down = max(0, self.down - clipped - p.cusumK)
        let shiftSurprise = self.shiftCalibration.update(max(self.up, self.down))
        let cusum = self.up >= self.down ? self.up : -self.down
        self.spike.learn(u, z: z)
        self.samples += 1
        if self.seasonal.push(x, n: self.samples) { self.rebuild() }
        let warm = self.samples > p.warmup
        let s = spikeSurprise
        return Output(z: z, expected: expected, spikeSurprise: spikeSurprise, shiftSurprise: shiftSurprise,
                      cusum: cusum, score: warm ? s / (s + p.spikeSurprise) : 0, warm: warm)
    }

    private func rebuild() {
        let count = min(self.parameters.spikeWindow, self.seasonal.count)
        // Samples too recent in the history to have a seasonal prediction yet are left out: their raw values are
        // not residuals and would inflate the robust scale.
        self.spike.refill({ j in
            let ago = count - j
            return self.seasonal.value(ago: ago) - self.seasonal.prediction(lag0: ago)
        }, count: count)
        self.up = 0
        self.down = 0
        self.spikeCalibration.reset()
        self.shiftCalibration.reset()
    }
}
