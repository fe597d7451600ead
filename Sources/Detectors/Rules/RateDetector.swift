/// `rate`: the rate of change between consecutive samples beyond `max_per_s` (units per second), either way.
public struct RateDetector: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var maxPerSecond: Double

        public init(maxPerSecond: Double) { self.maxPerSecond = maxPerSecond }
    }

    public let parameters: Parameters
    private var previous = Double.nan
    private var previousTime = Double.nan

    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// `score` is the rate (units/s), `expected` the limit.
    public mutating func update(_ x: Double, at t: Double) -> Verdict {
        defer {
            self.previous = x
            self.previousTime = t
        }
        let dt = t - self.previousTime
        guard !self.previous.isNaN, dt > 0 else { return Verdict(active: false, score: 0, expected: self.parameters.maxPerSecond) }
        let rate = (x - self.previous) / dt
        return Verdict(active: abs(rate) > self.parameters.maxPerSecond, score: rate, expected: self.parameters.maxPerSecond)
    }
}
