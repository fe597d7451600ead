/// `shift`: a level shift or drift, by a two-sided CUSUM on residuals standardised by a slow baseline (mean and
/// standard deviation of accepted samples, exponentially weighted over `baseline` samples). Alarms when either sum
/// exceeds `threshold`; `drift` is the allowance per sample, in standard deviations.
public struct ShiftDetector: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var threshold: Double
        public var drift: Double
        public var baseline: Double

        public init(threshold: Double = 12, drift: Double = 0.5, baseline: Double = 200) {
            self.threshold = threshold
            self.drift = drift
            self.baseline = baseline
        }
    }

    public let parameters: Parameters
    private var mean = 0.0
    private var variance = 0.0
    private var learnt = 0
    private var up = 0.0
    private var down = 0.0

    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// `score` is the larger CUSUM (signed: positive up, negative down), `expected` the baseline mean.
    public mutating func update(_ x: Double) -> Verdict {
        if self.learnt < 2 {
            self.learn(x)
            return Verdict(active: false, score: 0, expected: x)
        }
        let sd = max(self.variance.squareRoot(), 1e-9 * max(1, abs(self.mean)))
        let r = (x - self.mean) / sd
        self.up = max(0, self.up + r - self.parameters.drift)
        self.down = max(0, self.down - r - self.parameters.drift)
        let score = self.up >= self.down ? self.up : -self.down
        let active = max(self.up, self.down) >= self.parameters.threshold
        if !active { self.learn(x) }
        return Verdict(active: active, score: score, expected: self.mean)
    }

    private mutating func learn(_ x: Double) {
        self.learnt += 1
        let alpha = 1 / min(Double(self.learnt), self.parameters.baseline)
        let delta = x - self.mean
        self.mean += alpha * delta
        self.variance = (1 - alpha) * (self.variance + alpha * delta * delta)
    }
}
