/// The robust z of a residual against the median and robust scale (IQR / 1.349, floored by 1.2533 × an
/// exponentially weighted mean absolute deviation) of recently accepted residuals.
///
/// Not learning flagged samples: a sample with |z| ≥ `learnZ` is not learnt, unless the core says the level has
/// been off for `relearn` samples in a row; then the deviation is taken as the new normal and learnt.
final class SpikeModel: @unchecked Sendable {
    let window: SortedWindow
    @exclusivity(unchecked) private(set) var mad = 0.0
    /// The median and scale used for the last z.
    @exclusivity(unchecked) private(set) var median = 0.0
    @exclusivity(unchecked) private(set) var scale = 0.0
    private let shared: Shared<StatisticalParameters>
    private var parameters: StatisticalParameters { self.shared.value }

    init(parameters: Shared<StatisticalParameters>) {
        self.shared = parameters
        self.window = SortedWindow(capacity: parameters.value.spikeWindow)
    }

    func z(_ u: Double) -> Double {
        guard self.window.count >= StatisticalParameters.minimumFill else {
            self.median = u
            return 0
        }
        let (lower, median, upper) = self.window.quartiles()
        self.median = median
        var scale = (upper - lower) / 1.349
        let floor1 = 1.2533 * self.mad
        if floor1 > scale { scale = floor1 }
        let floor2 = 1e-9 * (abs(median) + 1e-9)
        if scale < floor2 { scale = floor2 }
        self.scale = scale
        // Capped: beyond a million robust deviations (a channel whose residuals are all but identical, such as a
        // counter at 0 between bursts) the size of z says nothing more, and its calibration should not hinge on it.
        let z = (u - median) / scale
        return min(Self.zCap, max(-Self.zCap, z))
    }

    static let zCap = 1e6

    /// Learns `u` unless it was flagged (|z| ≥ `learnZ`); while `relearning` (the level has been off for a long
    /// time: the new normal), flagged residuals are learnt too.
    func learn(_ u: Double, z: Double, relearning: Bool) {
        // An infinite residual (an infinite sample) would make the deviation infinite and then NaN for good, and a
        // NaN one (an infinite sample against an infinite prediction) has no rank in the window: neither is learnt.
        guard u.isFinite else { return }
        guard abs(z) < self.parameters.learnZ || relearning else { return }
        self.window.add(u)
        self.mad += (abs(u - self.median) - self.mad) / Double(self.parameters.spikeWindow)
    }

    /// Starts over from `residuals` (oldest first; NaN ones are skipped), e.g. after the period changed.
    func refill(_ residuals: (Int) -> Double, count: Int) {
        self.window.removeAll()
        self.mad = 0
        for j in 0..<count {
            let u = residuals(j)
            if !u.isNaN { self.window.add(u) }
        }
        if self.window.count > 0 { self.mad = self.window.meanAbsoluteDeviation(from: self.window.median) }
    }
}
