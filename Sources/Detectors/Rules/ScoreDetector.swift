/// `score`: a combined anomaly score in [0, 1] from the statistical detectors of the bank.
public struct ScoreDetector: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var threshold: Double

        public init(threshold: Double = 0.9) { self.threshold = threshold }
    }

    public let parameters: Parameters

    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// Combines the other detectors' verdicts of the same sample.
    public func update(spike: Verdict?, shift: Verdict?, spikeThreshold: Double, shiftThreshold: Double) -> Verdict {
        var s = 0.0
        if let spike { s = max(s, min(1, abs(spike.score) / (spikeThreshold * 1.1))) }
        if let shift { s = max(s, min(1, abs(shift.score) / (shiftThreshold * 1.1))) }
        return Verdict(active: s >= self.parameters.threshold, score: s, expected: spike?.expected ?? .nan)
    }
}
