import Glibc

/// Turns a raw statistic r ≥ 0 (|z|, a CUSUM) into a surprise s = −ln P(R ≥ r): an anomaly likelihood, from an
/// exponential tail (peaks over threshold) fitted to the statistic's own recent history on this channel, so that
/// one surprise threshold means one false-alarm rate on any channel.
///
/// With the last H values of r, nt = max(minTail, ⌊alpha·n⌋) tail values above q (the (nt+1)-th largest) and
/// β = mean(tail) − q: s(r) = ln((n+1)/nt) + (r − q)/β above q, ln((n+1)/nt)·r/q below; capped at 700. The
/// surprise of r is taken against the history before r; then r joins it. The fit is refreshed at every sample
/// from the exact top values of the history, kept in a small sorted set (no full sort per sample).
///
/// With `decluster` (for autocorrelated statistics such as a CUSUM), the values of an excursion above q join the
/// history as one value, the excursion's maximum, when it ends: a statistic that keeps growing is then not damped
/// by its own rise (runs declustering of peaks over threshold).
///
/// Memory: the history and the top set hold single-precision values (4 bytes a value; half precision was tried
/// and cost 1.8 points of NAB score, through ties at the top of quantised histories).
final class TailCalibrator: @unchecked Sendable {
    private let history: UnsafeMutableBufferPointer<Float>
    @exclusivity(unchecked) private var seen = 0
    private let capacity: Int
    private let topValues: UnsafeMutableBufferPointer<Float>
    /// Arrival numbers modulo 2³² (only compared for equality within one history's span).
    private let topArrivals: UnsafeMutableBufferPointer<UInt32>
    @exclusivity(unchecked) private var top = 0
    private let alpha: Double
    private let minTail: Int
    private let minHistory: Int
    private let minBeta: Double
    private let decluster: Bool
    @exclusivity(unchecked) private var inExcursion = false
    @exclusivity(unchecked) private var excursionMax = 0.0
    @exclusivity(unchecked) private var q = 0.0
    @exclusivity(unchecked) private var fitted = false
    /// ln((n+1)/nt) for the (n, nt) it was computed for: constant once the history is full.
    @exclusivity(unchecked) private var logKey = (-1, -1)
    @exclusivity(unchecked) private var logValue = 0.0

    init(parameters p: StatisticalParameters, decluster: Bool = false, minBeta: Double = 0) {
        self.decluster = decluster
        self.capacity = p.calibrationHistory
        self.history = .allocate(capacity: self.capacity)
        self.history.initialize(repeating: 0)
        let m = 4 * p.calibrationMinTail + Int(4 * p.calibrationAlpha * Double(p.calibrationHistory))
        self.topValues = .allocate(capacity: m)
        self.topValues.initialize(repeating: 0)
        self.topArrivals = .allocate(capacity: m)
        self.topArrivals.initialize(repeating: 0)
        self.alpha = p.calibrationAlpha
        self.minTail = p.calibrationMinTail
        self.minHistory = p.warmup
        self.minBeta = minBeta
    }

    deinit {
        self.history.deallocate()
        self.topValues.deallocate()
        self.topArrivals.deallocate()
    }

    func reset() {
        self.seen = 0
        self.top = 0
        self.inExcursion = false
        self.fitted = false
    }

    /// The surprise of `r` against the history; then `r` joins the history.
    func update(_ r: Double) -> Double {
        let h = self.capacity
        let n = min(self.seen, h)
        var s = 0.0
        if n >= self.minHistory {
            let nt = max(self.minTail, Int(self.alpha * Double(n)))
            if self.top < nt + 1 { self.rebuild(n) }
            let q = Double(self.topValues[nt])
            var sum = 0.0
            for j in 0..<nt { sum += Double(self.topValues[j]) }
            var beta = sum / Double(nt) - q
            // An absolute floor on β (in the statistic's units): with ties at the top of the history (a quantised
            // signal), the fitted β ≈ 0 would make any value just above the largest seen so far look infinitely
            // surprising.
            let floor = max(1e-12 * (abs(q) + 1e-300), self.minBeta)
            if beta < floor { beta = floor }
            if self.logKey != (n, nt) {
                self.logKey = (n, nt)
                self.logValue = log((Double(n) + 1) / Double(nt))
            }
            let la = self.logValue
            self.q = q
            self.fitted = true
            if r > q {
                s = min(StatisticalParameters.surpriseCap, la + (r - q) / beta)
            } else if q > 0 && r > 0 {
                s = la * r / q
            }
        }
        if self.decluster && self.fitted {
            if r > self.q {
                if !self.inExcursion || r > self.excursionMax { self.excursionMax = r }
                self.inExcursion = true
                return s
            }
            if self.inExcursion {
                self.inExcursion = false
                self.push(self.excursionMax)
            }
        }
        self.push(r)
        return s
    }

    /// `r` joins the history; the value that arrived H values ago leaves it.
    private func push(_ r: Double) {
        let h = self.capacity
        let a = self.seen
        // Rounding is monotone: a value at or above the top set's smallest is so once stored too.
        if a >= h && self.top > 0 && self.history[a % h] >= self.topValues[self.top - 1] {
            let old = UInt32(truncatingIfNeeded: a - h)
            for j in 0..<self.top where self.topArrivals[j] == old {
                for i in j..<(self.top - 1) {
                    self.topValues[i] = self.topValues[i + 1]
                    self.topArrivals[i] = self.topArrivals[i + 1]
                }
                self.top -= 1
                break
            }
        }
        self.history[a % h] = Self.stored(r)
        self.seen = a + 1
        let v = Float(r)
        if self.top == 0 || v >= self.topValues[self.top - 1] {
            if !(self.top == 0 && a > 0) {
                let capacity = self.topValues.count
                var i = self.top < capacity ? self.top : capacity - 1
                if self.top < capacity { self.top += 1 }
                while i > 0 && self.topValues[i - 1] < v {
                    self.topValues[i] = self.topValues[i - 1]
                    self.topArrivals[i] = self.topArrivals[i - 1]
                    i -= 1
                }
                self.topValues[i] = v
                self.topArrivals[i] = UInt32(truncatingIfNeeded: a)
            }
        }
    }

    /// The stored form of a statistic.
    @inline(__always)
    static func stored(_ r: Double) -> Float { Float(r) }

    /// The top set becomes the largest values of the history (quickselect, then insertion sort).
    private func rebuild(_ n: Int) {
        TailScratch.shared.withLock { scratch in
            scratch.ensure(n)
            let values = scratch.values, arrivals = scratch.arrivals
            let first = self.seen - n
            for j in 0..<n {
                values[j] = Double(self.history[(first + j) % self.capacity])
                arrivals[j] = first + j
            }
            let m = min(self.topValues.count, n)
            Self.select(values, arrivals, n, n - m)
            var k = 0
            for j in (n - m)..<n {
                let v = Float(values[j])
                var i = k
                while i > 0 && self.topValues[i - 1] < v {
                    self.topValues[i] = self.topValues[i - 1]
                    self.topArrivals[i] = self.topArrivals[i - 1]
                    i -= 1
                }
                self.topValues[i] = v
                self.topArrivals[i] = UInt32(truncatingIfNeeded: arrivals[j])
                k += 1
            }
            self.top = k
        }
    }

    /// Hoare quickselect of the k-th smallest of `v[0..<n]`, carrying `idx` along: afterwards `v[k..<n]` ≥ `v[k]`.
    static func select(_ v: UnsafeMutableBufferPointer<Double>, _ idx: UnsafeMutableBufferPointer<Int>, _ n: Int, _ k: Int) {
        var lo = 0, hi = n - 1
        while lo < hi {
            let pivot = v[(lo + hi) >> 1]
            var i = lo, j = hi
            while i <= j {
                while v[i] < pivot { i += 1 }
                while v[j] > pivot { j -= 1 }
                if i <= j {
                    v.swapAt(i, j)
                    idx.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if k <= j {
                hi = j
            } else if k >= i {
                lo = i
            } else {
                return
            }
        }
    }
}
