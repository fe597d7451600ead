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
/// values (≈ 50 for the defaults; trends make it longer), single precision, at most `Self.skybandCapacity` (6 bytes
/// a value, and a bit per slot of the window: 0.8 KB per calibrator, against 2.5 KB for a 512-value history and its
/// top set). On the NAB subset the
/// scores are bit for bit those of the full history.
final class TailCalibrator: @unchecked Sendable {
    /// Upper bound of the skyband. Reached only by a statistic that keeps falling for most of a history (each value
    /// below all the recent ones); the smallest value then leaves early, and the fit of the following samples may
    /// rest on fewer tail values than it should, until larger values arrive.
    static let skybandCapacity = 128

    /// The skyband, in descending order of value, in one allocation with the slot bitmap: each entry's value
    /// (`Float`), and beside it, in 16 bits, its slot in the window (arrival number modulo H: unique within the
    /// window, and the slot of the value that leaves is the slot of the one that arrives) and how many later values
    /// of the window are at least as large (below K), packed as `slot | dominated << slotBits`. Six bytes an entry,
    /// where a struct of the three would take eight.
    private let values: UnsafeMutablePointer<Float>
    private let marks: UnsafeMutablePointer<UInt16>
    @exclusivity(unchecked) private var size = 0
    /// The fit's terms, kept while the largest values stay: nt (−1 when stale), q and the sum of the nt largest.
    @exclusivity(unchecked) private var fitTerms = -1
    @exclusivity(unchecked) private var fitQ = 0.0
    @exclusivity(unchecked) private var fitSum = 0.0
    /// One bit per slot of the window: set while the value that arrived in that slot is in the skyband, so that
    /// the leaving value is looked for only when it is there (rarely: most values leave the skyband early).
    private let present: UnsafeMutablePointer<UInt64>
    /// Values pushed so far, and the slot of the next one (`seen` modulo H, kept without a division per value).
    @exclusivity(unchecked) private var seen = 0
    @exclusivity(unchecked) private var nextSlot = 0
    /// The calibrator's constants, one copy for the calibrators that have the same (see ``TailShape``).
    private let shape: Shared<TailShape>
    private var capacity: Int { self.shape.value.capacity }
    /// K: the skyband keeps every value that fewer than K later values match or exceed.
    private var keep: Int { self.shape.value.keep }
    private var alpha: Double { self.shape.value.alpha }
    private var minTail: Int { self.shape.value.minTail }
    private var minHistory: Int { self.shape.value.minHistory }
    private var minBeta: Double { self.shape.value.minBeta }
    private var decluster: Bool { self.shape.value.decluster }
    /// Entries the skyband has room for.
    private var room: Int { self.shape.value.room }
    /// Bits of a mark that hold the slot.
    private var slotBits: UInt16 { self.shape.value.slotBits }
    private var presentWords: Int { self.shape.value.presentWords }
    @exclusivity(unchecked) private var inExcursion = false
    @exclusivity(unchecked) private var excursionMax = 0.0
    @exclusivity(unchecked) private var q = 0.0
    @exclusivity(unchecked) private var fitted = false
    /// ln((n+1)/nt) for the (n, nt) it was computed for: constant once the history is full.
    @exclusivity(unchecked) private var logKey = (-1, -1)
    @exclusivity(unchecked) private var logValue = 0.0

    init(parameters p: StatisticalParameters, decluster: Bool = false, minBeta: Double = 0) {
        let capacity = p.calibrationHistory
        let keep = max(p.calibrationMinTail, Int(p.calibrationAlpha * Double(p.calibrationHistory))) + 1
        var slotBits = 1
        while 1 << slotBits < capacity { slotBits += 1 }
        var countBits = 1
        while 1 << countBits <= keep { countBits += 1 }  // dominated reaches K for a moment
        precondition(slotBits + countBits <= 16, "calibration history or tail too long for 16-bit skyband marks")
        let room = max(Self.skybandCapacity, keep + 1)
        let presentWords = (capacity + 63) / 64
        self.shape = tailShapes.shared(TailShape(
            capacity: capacity, keep: keep, alpha: p.calibrationAlpha, minTail: p.calibrationMinTail,
            minHistory: p.warmup, minBeta: minBeta, decluster: decluster,
            room: room, slotBits: UInt16(slotBits), presentWords: presentWords))
        // [present: UInt64 × words][values: Float × room][marks: UInt16 × room], 8-byte aligned.
        let bytes = 8 * presentWords + 4 * room + 2 * room
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 8)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        self.present = raw.assumingMemoryBound(to: UInt64.self)
        self.values = (raw + 8 * presentWords).assumingMemoryBound(to: Float.self)
        self.marks = (raw + 8 * presentWords + 4 * room).assumingMemoryBound(to: UInt16.self)
    }

    deinit { UnsafeMutableRawPointer(self.present).deallocate() }

    func reset() {
        self.seen = 0
        self.nextSlot = 0
        self.size = 0
        self.present.update(repeating: 0, count: self.presentWords)
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
                self.fitQ = Double(self.values[nt])
                var sum = 0.0
                for j in 0..<nt { sum += Double(self.values[j]) }
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
        // Locals: the skyband's pointers and size are read once (a store through them could otherwise alias them).
        let shape = self.shape.value
        let values = self.values, marks = self.marks
        var size = self.size
        let a = self.seen
        self.seen = a &+ 1
        let slot = UInt16(truncatingIfNeeded: self.nextSlot)
        self.nextSlot = self.nextSlot &+ 1 == shape.capacity ? 0 : self.nextSlot &+ 1
        let bits = shape.slotBits
        let slotMask: UInt16 = (1 &<< bits) &- 1
        if a >= shape.capacity && self.isPresent(slot) {
            var j = 0
            while j < size && marks[j] & slotMask != slot { j &+= 1 }
            if j < size {
                self.clear(slot)
                if j <= shape.keep { self.fitTerms = -1 }
                let moved = size &- 1 &- j
                (values + j).update(from: values + j + 1, count: moved)  // memmove
                (marks + j).update(from: marks + j + 1, count: moved)
                size &-= 1
            }
        }
        let v = Float(r)
        // A NaN statistic is not ranked (it would break the order); its slot simply stays empty.
        guard !v.isNaN else {
            self.size = size
            return
        }
        // The first kept value at or below v: v goes there, and from there on every value gains one. Searched from
        // the smallest end: a typical value is below most of the skyband, so this touches only its last entries.
        var place = size
        while place > 0 && values[place &- 1] <= v { place &-= 1 }
        if place <= shape.keep { self.fitTerms = -1 }
        // A mark is `slot | dominated << bits`, so a mark reaches `gone` exactly when its count reaches K.
        let one: UInt16 = 1 &<< bits
        let gone = UInt16(truncatingIfNeeded: shape.keep) &<< bits
        // Until the first value that goes, values stay where they are: only their counts grow.
        var j = place
        while j < size {
            let m = marks[j] &+ one
            if m >= gone { break }
            marks[j] = m
            j &+= 1
        }
        if j < size {
            // From there on, the values that stay move up over the ones that go.
            var w = j
            while j < size {
                let m = marks[j] &+ one
                if m >= gone {
                    self.clear(m & slotMask)
                } else {
                    values[w] = values[j]
                    marks[w] = m
                    w &+= 1
                }
                j &+= 1
            }
            size = w
        }
        if size == shape.room {
            // Full (a long fall): the smallest value leaves, or v is not kept if it is the smallest.
            if place == size {
                self.size = size
                return
            }
            size &-= 1
            self.clear(marks[size] & slotMask)
        }
        let moved = size &- place
        (values + place + 1).update(from: values + place, count: moved)  // memmove
        (marks + place + 1).update(from: marks + place, count: moved)
        values[place] = v
        marks[place] = slot
        self.present[Int(slot) &>> 6] |= 1 &<< (UInt64(slot) & 63)
        self.size = size &+ 1
    }

    @inline(__always)
    private func isPresent(_ slot: UInt16) -> Bool {
        self.present[Int(slot) &>> 6] & (1 &<< (UInt64(slot) & 63)) != 0
    }

    @inline(__always)
    private func clear(_ slot: UInt16) {
        self.present[Int(slot) &>> 6] &= ~(1 &<< (UInt64(slot) & 63))
    }

    /// How many values the skyband holds now (for tests and the memory figures).
    var skybandSize: Int { self.size }
}
