/// The constants of a ``TailHistogram``: the same for the spike (or the level) calibrators of every channel with
/// the same parameters, so they share one copy (see ``InternTable``).
struct TailShape: Sendable, Hashable {
    let alpha: Double
    let minTail: Int
    let minHistory: Int
    let minBeta: Double
    let gaussianVariance: Double
    let decluster: Bool
    init(alpha: Double, minTail: Int, minHistory: Int, minBeta: Double, gaussianVariance: Double,
         decluster: Bool) {
        self.alpha = alpha
        self.minTail = minTail
        self.minHistory = minHistory
        self.minBeta = minBeta
        self.gaussianVariance = gaussianVariance
        self.decluster = decluster
    }
}

/// The calibrators' constants, shared by the calibrators that have equal ones.
let tailShapes = InternTable<TailShape>()
