/// `value = raw * scale + offset`, the engineering value of a raw register reading.
///
/// A scale that is the reciprocal of an integer (0.1, 0.01, 0.001…) is applied as a division by that integer,
/// so that raw 484 with scale 0.1 reads 48.4 and not 48.400000000000006.
public struct Scaling: Sendable, Hashable {
    public let scale: Double
    public let offset: Double
    /// `1 / scale` when that is an integer whose reciprocal is exactly `scale`, else 0.
    private let divisor: Double

    public static let identity = Scaling(scale: 1, offset: 0)

    public init(scale: Double, offset: Double) {
        self.scale = scale
        self.offset = offset
        let reciprocal = (1 / scale).rounded()
        self.divisor = abs(scale) < 1 && reciprocal.isFinite && 1 / reciprocal == scale ? reciprocal : 0
    }

    public var isIdentity: Bool { self.scale == 1 && self.offset == 0 }

    public func apply(_ raw: Double) -> Double {
        (self.divisor != 0 ? raw / self.divisor : raw * self.scale) + self.offset
    }

    /// The raw value that reads as `value` (the simulator serves engineering values through this).
    public func invert(_ value: Double) -> Double {
        self.divisor != 0 ? (value - self.offset) * self.divisor : (value - self.offset) / self.scale
    }
}
