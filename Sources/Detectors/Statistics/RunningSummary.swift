/// Count, min, max, mean, standard deviation and last value of the samples since the last ``reset()``, in O(1)
/// memory (Welford's algorithm for the variance). NaN samples are not added.
public struct RunningSummary: Sendable, Hashable {
    public private(set) var count = 0
    public private(set) var min = Double.infinity
    public private(set) var max = -Double.infinity
    public private(set) var mean = 0.0
    private var m2 = 0.0
    public private(set) var last = Double.nan

    public init() {}

    public mutating func add(_ x: Double) {
        guard !x.isNaN else { return }
        self.count += 1
        if x < self.min { self.min = x }
        if x > self.max { self.max = x }
        let delta = x - self.mean
        self.mean += delta / Double(self.count)
        self.m2 += delta * (x - self.mean)
        self.last = x
    }

    /// Population standard deviation of the samples (0 for one sample, NaN for none).
    public var standardDeviation: Double {
        self.count == 0 ? .nan : (self.m2 / Double(self.count)).squareRoot()
    }

    public mutating func reset() { self = RunningSummary() }
}
