/// `spike`: robust z-score of the sample against the median and robust scale (IQR / 1.349) of the last `window`
/// accepted samples. Flagged samples are not added to the window.
public struct SpikeDetector: Sendable {
    public struct Parameters: Sendable, Hashable {
        /// Robust z beyond which a sample is a spike.
        public var threshold: Double
        /// Accepted samples in the baseline.
        public var window: Int

        public init(threshold: Double = 6, window: Int = 256) {
            self.threshold = threshold
            self.window = window
        }
    }

    public let parameters: Parameters
    private let baseline: SortedWindow

    public init(_ parameters: Parameters) {
        self.parameters = parameters
        self.baseline = SortedWindow(capacity: parameters.window)
    }

    /// The robust z of `x`, and whether it is a spike (only once the baseline holds enough samples).
    public mutating func update(_ x: Double, learning: Bool = true) -> Verdict {
        guard self.baseline.count >= 8 else {
            self.baseline.add(x)
            return Verdict(active: false, score: 0, expected: x)
        }
        let median = self.baseline.median
        let scale = max((self.baseline.quantile(0.75) - self.baseline.quantile(0.25)) / 1.349,
                        1e-9 * max(1, abs(median)))
        let z = (x - median) / scale
        let active = abs(z) >= self.parameters.threshold
        if !active && learning { self.baseline.add(x) }
        return Verdict(active: active, score: z, expected: median)
    }
}
