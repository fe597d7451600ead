import Glibc

/// Turns a raw statistic r ≥ 0 (|z|, the level's size) into a surprise s = −ln P(R ≥ r): an anomaly likelihood
/// from the statistic's own long history on this channel, so that one surprise threshold means one false-alarm
/// rate on any channel.
///
/// The history is a histogram of r with exponentially decaying weights (memory: about `memory` values, set from
/// the sampling interval once it is known), in bins of a quarter octave from 1/16 up (values below share the
/// first bin). The tail above q, the lower edge of the highest bins that hold the tail's weight (at least
/// `minTail` values, or `alpha` of the history), is taken as exponential with the mean excess β of those bins: s(r) = ln(n/m) + (r − q)/β above q (n the
/// history's weight, m the tail's), ln(n/m)·r/q below. β is at least `minBeta` and at least the mean excess of a
/// normal tail at q (`gaussianVariance`/q): the tail is never taken lighter than Gaussian, so that a few ties at
/// the top (a quantised signal) or a short history do not make a count of noise look infinitely surprising.
///
/// With `decluster` (for autocorrelated statistics such as the level), the values of an excursion above q join
/// the history as one value, the excursion's maximum, when it ends (runs declustering of peaks over threshold).
///
/// Fixed memory: 48 bins of a weight and a weighted sum, 4 bytes each (values from 1/16 to 181 in their own bins,
/// larger ones together in the last, whose sum keeps their mean; values beyond 10¹⁸ count as 10¹⁸). The fit is refreshed when a value lands in
/// the tail bins, and every 64 values (the weights decay slowly); each refresh walks the bins from the top.
final class TailHistogram: @unchecked Sendable {
    static let bins = 48
    static let binsPerOctave = 4
    /// The lower edge of bin 1; bin 0 holds everything below.
    static let lowest: Float = 1.0 / 16

    /// [weights × bins][weighted sums of the values × bins], one allocation: a bin's mean is exact, however wide.
    private let counts: UnsafeMutablePointer<Float>
    private let sums: UnsafeMutablePointer<Float>
    private let shape: Shared<TailShape>
    /// The weight of the next value (it grows by 1/memory a value: the older ones decay relative to it), and the
    /// total weight of the history, in the same units.
    @exclusivity(unchecked) private var weight: Double = 1
    @exclusivity(unchecked) private var total: Double = 0
    /// 1 + 1/memory.
    @exclusivity(unchecked) private var growth: Double
    @exclusivity(unchecked) private var seen = 0
    /// The fit: q, the tail bin, ln(n/m) and β; stale when `fitBin` is −1.
    @exclusivity(unchecked) private var fitBin = -1
    @exclusivity(unchecked) private var q = 0.0
    @exclusivity(unchecked) private var logRatio = 0.0
    @exclusivity(unchecked) private var beta = 1.0
    @exclusivity(unchecked) private var sinceFit = 0
    @exclusivity(unchecked) private var inExcursion = false
    @exclusivity(unchecked) private var excursionMax = 0.0

    init(parameters p: StatisticalParameters, memory: Int, decluster: Bool = false, minBeta: Double = 0,
         gaussianVariance: Double = 0) {
        self.shape = tailShapes.shared(TailShape(
            alpha: p.calibrationAlpha, minTail: p.calibrationMinTail, minHistory: p.warmup,
            minBeta: minBeta, gaussianVariance: gaussianVariance, decluster: decluster))
        self.growth = 1 + 1 / Double(max(1, memory))
        self.counts = .allocate(capacity: 2 * Self.bins)
        self.counts.initialize(repeating: 0, count: 2 * Self.bins)
        self.sums = self.counts + Self.bins
    }

    deinit { self.counts.deallocate() }

    /// The history remembers about `memory` values from now on.
    func remember(_ memory: Double) { self.growth = 1 + 1 / max(1, memory) }

    func reset() {
        self.counts.update(repeating: 0, count: 2 * Self.bins)
        self.weight = 1
        self.total = 0
        self.seen = 0
        self.fitBin = -1
        self.inExcursion = false
    }

    /// The bin of `r`: a quarter octave from `lowest` up, from the float's exponent and the mantissa's place
    /// among the quarter-octave steps (no logarithm).
    @inline(__always)
    static func bin(_ r: Double) -> Int {
        let f = Float(r)
        guard f >= Self.lowest else { return 0 }
        guard f.isFinite else { return Self.bins - 1 }
        let bits = f.bitPattern
        let octave = Int((bits >> 23) & 0xFF) - 127 + 4  // log2(f / lowest), whole octaves
        let mantissa = bits & 0x7F_FFFF
        // 2^(1/4), 2^(1/2), 2^(3/4) as single-precision mantissas.
        let quarter = (mantissa >= 0x18_37F0 ? 1 : 0) + (mantissa >= 0x35_04F3 ? 1 : 0) + (mantissa >= 0x57_44FD ? 1 : 0)
        return min(Self.bins - 1, 1 + octave * Self.binsPerOctave + quarter)
    }

    /// The lower edge of bin `b` (b ≥ 1).
    @inline(__always)
    static func edge(_ b: Int) -> Double {
        Double(Self.lowest) * exp2(Double(b - 1) / Double(Self.binsPerOctave))
    }

    /// The surprise of `r` against the history; then `r` joins the history (unless `learn` is false).
    func update(_ r: Double, learn: Bool = true) -> Double {
        let shape = self.shape.value
        var s = 0.0
        if self.seen >= shape.minHistory {
            if self.fitBin < 0 || self.sinceFit >= 64 { self.fit(shape) }
            if r > self.q {
                s = min(StatisticalParameters.surpriseCap, self.logRatio + (r - self.q) / self.beta)
            } else if self.q > 0 && r > 0 {
                s = self.logRatio * r / self.q
            }
        }
        guard learn else { return s }
        if shape.decluster && self.fitBin >= 0 {
            if r > self.q {
                if !self.inExcursion || r > self.excursionMax { self.excursionMax = r }
                self.inExcursion = true
                return s
            }
            if self.inExcursion {
                self.inExcursion = false
                self.push(self.excursionMax, shape)
            }
        }
        self.push(r, shape)
        return s
    }

    private func push(_ r: Double, _ shape: TailShape) {
        guard !r.isNaN else { return }
        let b = Self.bin(r)
        let w = Float(self.weight)
        self.counts[b] += w
        self.sums[b] += w * Float(min(r, 1e18))
        self.total += self.weight
        self.seen += 1
        self.sinceFit += 1
        if b >= self.fitBin { self.fitBin = -1 }
        self.weight *= self.growth
        if self.weight > 1e9 {
            // Rescale everything: the weights only matter relative to each other. The history's weight stays
            // under 10⁹ × its memory (10¹⁶ for two weeks at 10 ms), and a bin's sum under that times 10¹⁸ (values
            // beyond count as 10¹⁸): within a float.
            for i in 0..<(2 * Self.bins) { self.counts[i] *= 1e-9 }
            self.total *= 1e-9
            self.weight *= 1e-9
        }
    }

    /// The tail above the highest bins holding the tail's weight, and its mean excess.
    private func fit(_ shape: TailShape) {
        self.sinceFit = 0
        let n = self.total
        let unit = self.weight / self.growth  // the weight of the newest value
        // The tail's weight: at least minTail of the newest values' weight, or alpha of the history.
        let wanted = max(Double(shape.minTail) * unit, shape.alpha * n)
        var mass = 0.0
        var excess = 0.0
        var b = Self.bins - 1
        while b >= 1 {
            let c = Double(self.counts[b])
            if c > 0 {
                mass += c
                excess += Double(self.sums[b])
            }
            if mass >= wanted || b == 1 { break }
            b -= 1
        }
        let q = Self.edge(b)
        self.fitBin = b
        self.q = q
        self.logRatio = mass > 0 ? log(n / mass) : 0
        var beta = mass > 0 ? excess / mass - q : 0

        let floor = max(shape.minBeta, shape.gaussianVariance / q, 1e-12)
        if beta < floor { beta = floor }
        self.beta = beta
    }
}
