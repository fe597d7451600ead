/// `flatline`: the value has not moved by more than `epsilon` for `for` (seconds, or by default a number of
/// samples) on a signal that normally moves, e.g. a frozen sensor, a stuck transmitter or a PLC whose input
/// card stopped updating.
///
/// "Normally moves" is learnt: the share of samples that moved by more than `epsilon` from their predecessor,
/// averaged over about `learnSamples` accepted samples, must be at least `movingShare`. Samples in a flat run
/// that has been flagged are not learnt from.
public struct FlatlineDetector: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var epsilon: Double
        /// The run length in seconds; when nil, `forSamples` samples.
        public var forSeconds: Double?
        public var forSamples: Int
        public var movingShare: Double
        public var learnSamples: Double

        public init(epsilon: Double = 0, forSeconds: Double? = nil, forSamples: Int = 20, movingShare: Double = 0.5,
                    learnSamples: Double = 200) {
            self.epsilon = epsilon
            self.forSeconds = forSeconds
            self.forSamples = forSamples
            self.movingShare = movingShare
            self.learnSamples = learnSamples
        }
    }

    public let parameters: Parameters
    private var anchor = Double.nan
    private var runStart = 0.0
    private var runSamples = 0
    private var previous = Double.nan
    /// Exponentially weighted share of samples that moved.
    private var moving = 0.0
    private var learnt = 0

    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// `score` is the length of the current flat run in samples, `expected` the share of moving samples learnt.
    public mutating func update(_ x: Double, at t: Double) -> Verdict {
        let eps = self.parameters.epsilon
        if self.anchor.isNaN || abs(x - self.anchor) > eps {
            self.anchor = x
            self.runStart = t
            self.runSamples = 1
        } else {
            self.runSamples += 1
        }
        let long: Bool
        if let seconds = self.parameters.forSeconds {
            long = t - self.runStart >= seconds && self.runSamples >= 2
        } else {
            long = self.runSamples >= self.parameters.forSamples
        }
        let normallyMoves = self.learnt >= Int(self.parameters.learnSamples / 4) && self.moving >= self.parameters.movingShare
        let active = long && normallyMoves
        if !active && !self.previous.isNaN {
            let alpha = 1 / min(Double(self.learnt + 1), self.parameters.learnSamples)
            self.moving += alpha * ((abs(x - self.previous) > eps ? 1 : 0) - self.moving)
            self.learnt += 1
        }
        self.previous = x
        return Verdict(active: active, score: Double(self.runSamples), expected: self.moving)
    }
}
