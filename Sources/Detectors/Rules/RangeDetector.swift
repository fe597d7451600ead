/// `range`: the value outside `[min, max]`. Once open, the alert stays active until the value is back inside by
/// `deadband` (hysteresis), so that a value hovering at a limit does not flap. Learns nothing.
public struct RangeDetector: Sendable {
    public struct Parameters: Sendable, Hashable {
        public var min: Double?
        public var max: Double?
        public var deadband: Double

        public init(min: Double? = nil, max: Double? = nil, deadband: Double = 0) {
            self.min = min
            self.max = max
            self.deadband = deadband
        }
    }

    public let parameters: Parameters

    public init(_ parameters: Parameters) { self.parameters = parameters }

    /// `score` is how far past the limit the value is; `expected` the violated limit.
    public func update(_ x: Double, isOpen: Bool) -> Verdict {
        let slack = isOpen ? self.parameters.deadband : 0
        if let max = self.parameters.max, x > max - slack {
            return Verdict(active: true, score: x - max, expected: max)
        }
        if let min = self.parameters.min, x < min + slack {
            return Verdict(active: true, score: min - x, expected: min)
        }
        return Verdict(active: false, score: 0, expected: .nan)
    }
}
