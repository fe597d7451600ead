/// `flatline`: the value has not moved by more than `epsilon` for `for` samples in a row (default 20; or a
/// duration) on a signal that normally moves: a frozen sensor, a stuck transmitter, an input card that stopped
/// updating.
///
/// "Normally moves" is learnt: the exponentially weighted share of steps that moved, over about `learnSamples`
/// steps, must be at least `movingShare`, after at least `learnSamples` steps. Flat runs of `for` samples or more
/// are not learnt.
public struct FlatlineDetector: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var epsilon: Double
        /// The run length in seconds; when nil, `forSamples` repeated samples.
        public var forSeconds: Double?
        public var forSamples: Int
        public var movingShare: Double
        public var learnSamples: Int

        public init(epsilon: Double = 0, forSeconds: Double? = nil, forSamples: Int = 20, movingShare: Double = 0.5,
                    learnSamples: Int = 128) {
            self.epsilon = epsilon
            self.forSeconds = forSeconds
            self.forSamples = forSamples
            self.movingShare = movingShare
            self.learnSamples = learnSamples
        }
    }

    /// One copy of the parameters for the detectors that have the same (most channels).
    private let shared: Shared<Parameters>
    public var parameters: Parameters { self.shared.value }
    private var previous = Double.nan
    /// Repeated samples in the current run (0 when the last sample moved).
    private var run = 0
    private var runStart = 0.0
    private var moving = 0.0
    private var steps = 0

    public init(_ parameters: Parameters) { self.shared = flatlineParameters.shared(parameters) }

    /// `score` is the run length in samples, `expected` the learnt share of moving steps.
    public mutating func update(_ x: Double, at t: Double) -> Verdict {
        let p = self.parameters
        let moved = self.previous.isNaN || abs(x - self.previous) > p.epsilon
        self.previous = x
        if moved {
            self.run = 0
            self.runStart = t
        } else {
            self.run += 1
        }
        let long = p.forSeconds.map { t - self.runStart >= $0 && self.run > 0 } ?? (self.run >= p.forSamples)
        let active = long && self.moving >= p.movingShare && self.steps >= p.learnSamples
        if !active && !long {
            self.moving += ((moved ? 1 : 0) - self.moving) / Double(p.learnSamples)
            self.steps += 1
        }
        return Verdict(active: active, score: Double(self.run), expected: self.moving)
    }
}
