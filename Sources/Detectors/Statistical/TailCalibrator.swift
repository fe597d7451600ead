import Glibc

/// Turns a raw statistic r ≥ 0 (|z|, a CUSUM) into a surprise s = −ln P(R ≥ r): an anomaly likelihood, from an
/// exponential tail (peaks over threshold) fitted to the statistic's own recent history on this channel, so that
/// one surprise threshold means one false-alarm rate on any channel.
///
/// With the last H values of r, nt = max(minTail, ⌊alpha·n⌋) tail values above q (the (nt+1)-th largest) and
/// β = mean(tail) − q: s(r) = ln((n+1)/nt) + (r − q)/β above q, ln((n+1)/nt)·r/q below; capped at 700. The
/// surprise of r is taken against the history before r; then r joins it. The fit is refreshed at every sample
/// from the exact top values of the history (no sort per sample).
///
/// With `decluster` (for autocorrelated statistics such as a CUSUM), the values of an excursion above q join the
/// history as one value, the excursion's maximum, when it ends: a statistic that keeps growing is then not damped
/// by its own rise (runs declustering of peaks over threshold).
///
/// Memory: the history itself is not kept. The fit needs only the K = max(minTail, ⌊alpha·H⌋) + 1 largest values of
/// the last H, and those are kept exactly by the window's K-skyband (see ``push(_:)``): about K·(1 + ln(H/K))
/// values (≈ 50 for the defaults; trends make it longer), single precision, at most `Self.skybandCapacity` (8 bytes
/// a value, and a bit per slot of the window: 1.1 KB per calibrator, against 2.5 KB for a 512-value history and its
/// top set). On the NAB subset the
/// scores are bit for bit those of the full history.
final class TailCalibrator: @unchecked Sendable {
    /// Upper bound of the skyband. Reached only by a statistic that keeps falling for most of a history (each value
    /// below all the recent ones); the smallest value then leaves early, and the fit of the following samples may
    /// rest on fewer tail values than it should, until larger values arrive.
    static let skybandCapacity = 128

    /// One value of the skyband: the value, its slot in the window (arrival number modulo H: unique within the
    /// window, and the slot of the value that leaves is the slot of the one that arrives), and how many later
    /// values of the window are at least as large.
    struct Entry {
        var value: Float
        var slot: UInt16
        var dominated: UInt8
    }

    /// The skyband, in descending order of value.
    private let entries: UnsafeMutableBufferPointer<Entry>
    @exclusivity(unchecked) private var size = 0
    /// The fit's terms, kept while the largest values stay: nt (−1 when stale), q and the sum of the nt largest.
    @exclusivity(unchecked) private var fitTerms = -1
    @exclusivity(unchecked) private var fitQ = 0.0
    @exclusivity(unchecked) private var fitSum = 0.0
    /// One bit per slot of the window: set while the value that arrived in that slot is in the skyband, so that
    /// the leaving value is looked for only when it is there (rarely: most values leave the skyband early).
    private let present: UnsafeMutableBufferPointer<UInt64>
    /// Values pushed so far.
    @exclusivity(unchecked) private var seen = 0
    private let capacity: Int
    /// K: the skyband keeps every value that fewer than K later values match or exceed.
    private let keep: Int
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
        self.keep = max(p.calibrationMinTail, Int(p.calibrationAlpha * Double(p.calibrationHistory))) + 1
        precondition(self.capacity < 1 << 16 && self.keep < 1 << 8, "calibration history or tail too long")
        let room = max(Self.skybandCapacity, self.keep + 1)
        self.entries = .allocate(capacity: room)
        self.entries.initialize(repeating: Entry(value: 0, slot: 0, dominated: 0))
        self.present = .allocate(capacity: (self.capacity + 63) / 64)
        self.present.initialize(repeating: 0)
        self.alpha = p.calibrationAlpha
        self.minTail = p.calibrationMinTail
        self.minHistory = p.warmup
        self.minBeta = minBeta
    }

    deinit {
        self.entries.deallocate()
        self.present.deallocate()
    }

    func reset() {
        self.seen = 0
        self.size = 0
        self.present.update(repeating: 0)
        self.fitTerms = -1
        self.inExcursion = false
        self.fitted = false
    }

    /// The surprise of `r` against the history; then `r` joins the history.
    func update(_ r: Double) -> Double {
        let h = self.capacity
        let n = min(self.seen, h)
        var s = 0.0
        // The skyband holds the window's min(K, n) largest values, unless its capacity cut it short.
        if n >= self.minHistory && self.size >= 2 {
            let nt = min(max(self.minTail, Int(self.alpha * Double(n))), self.size - 1)
            // The largest values change rarely: their sum is kept until they do.
            if self.fitTerms != nt {
                self.fitTerms = nt
                self.fitQ = Double(self.entries[nt].value)
                var sum = 0.0
                for j in 0..<nt { sum += Double(self.entries[j].value) }
                self.fitSum = sum
            }
            let q = self.fitQ
            let sum = self.fitSum
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

    /// `r` joins the window; the value that arrived H values ago leaves it.
    ///
    /// The skyband is updated exactly: the leaving value goes if it is there; every kept value at or below `r`
    /// gains one later value at least as large, and goes when it has K of them (those K values then outlive it in
    /// the window, so it can never be among the K largest again); `r` goes in at its place in the order. Rounding
    /// to `Float` is monotone, so the order of the stored values is the order of the statistics.
    private func push(_ r: Double) {
        let a = self.seen
        self.seen = a + 1
        let slot = UInt16(truncatingIfNeeded: a % self.capacity)
        if a >= self.capacity && self.isPresent(slot) {
            for j in 0..<self.size where self.entries[j].slot == slot {
                self.clear(slot)
                if j <= self.keep { self.fitTerms = -1 }
                for i in j..<(self.size - 1) { self.entries[i] = self.entries[i + 1] }
                self.size -= 1
                break
            }
        }
        let v = Float(r)
        // A NaN statistic is not ranked (it would break the order); its slot simply stays empty.
        guard !v.isNaN else { return }
        // The first kept value at or below v: v goes there, and from there on every value gains one. Searched from
        // the smallest end: a typical value is below most of the skyband, so this touches only its last entries.
        var place = self.size
        while place > 0 && self.entries[place - 1].value <= v { place -= 1 }
        if place <= self.keep { self.fitTerms = -1 }
        var w = place
        let keep = UInt8(self.keep)
        for j in place..<self.size {
            var e = self.entries[j]
            e.dominated &+= 1
            if e.dominated >= keep {
                self.clear(e.slot)
                continue
            }
            self.entries[w] = e
            w += 1
        }
        self.size = w
        if self.size == self.entries.count {
            // Full (a long fall): the smallest value leaves, or v is not kept if it is the smallest.
            if place == self.size { return }
            self.size -= 1
            self.clear(self.entries[self.size].slot)
        }
        var i = self.size
        while i > place {
            self.entries[i] = self.entries[i - 1]
            i -= 1
        }
        self.entries[place] = Entry(value: v, slot: slot, dominated: 0)
        self.present[Int(slot) >> 6] |= 1 << (UInt64(slot) & 63)
        self.size += 1
    }

    @inline(__always)
    private func isPresent(_ slot: UInt16) -> Bool {
        self.present[Int(slot) >> 6] & (1 << (UInt64(slot) & 63)) != 0
    }

    @inline(__always)
    private func clear(_ slot: UInt16) {
        self.present[Int(slot) >> 6] &= ~(1 << (UInt64(slot) & 63))
    }

    /// How many values the skyband holds now (for tests and the memory figures).
    var skybandSize: Int { self.size }
}
