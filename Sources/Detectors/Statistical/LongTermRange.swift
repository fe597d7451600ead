/// The range of a channel's values over a long memory (two weeks of samples by default, however fast the channel),
/// kept in fixed memory as block extremes: the minimum and maximum of each of the last `blocks` complete blocks
/// of samples, and of the block being filled. Novel is a value beyond that range by a share of its width: a
/// value the channel has not come near for that long (the "spatial anomaly" of HTM's NAB detector, which looks at
/// the whole history; here it forgets a block at a time).
///
/// O(1) per sample; a full block costs a pass over the block extremes. 2·(blocks + 1) doubles.
final class LongTermRange: @unchecked Sendable {
    static let blocks = 8
    /// [highs × blocks][lows × blocks], one allocation; NaN for a block not filled yet.
    private let extremes: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var next = 0
    /// The extremes of the complete blocks, and of the block being filled, with its count.
    @exclusivity(unchecked) private var pastHigh = -Double.infinity
    @exclusivity(unchecked) private var pastLow = Double.infinity
    @exclusivity(unchecked) private var high = -Double.infinity
    @exclusivity(unchecked) private var low = Double.infinity
    @exclusivity(unchecked) private var filled = 0
    /// Samples per block: set once the sampling interval is known (until then, short blocks).
    @exclusivity(unchecked) var blockLength = 128

    init() {
        self.extremes = .allocate(capacity: 2 * Self.blocks)
        self.extremes.initialize(repeating: .nan, count: 2 * Self.blocks)
    }

    deinit { self.extremes.deallocate() }

    /// The range's ends (−∞…∞ ordering when empty).
    var upper: Double { max(self.pastHigh, self.high) }
    var lower: Double { min(self.pastLow, self.low) }

    /// Whether `x` lies beyond the range by `margin` times its width (never while the range is a point).
    func isNovel(_ x: Double, margin: Double) -> Bool {
        let hi = self.upper, lo = self.lower
        guard hi > lo else { return false }
        let slack = margin * (hi - lo)
        return x > hi + slack || x < lo - slack
    }

    func add(_ x: Double) {
        if x > self.high { self.high = x }
        if x < self.low { self.low = x }
        self.filled += 1
        guard self.filled >= self.blockLength else { return }
        self.extremes[self.next] = self.high
        self.extremes[Self.blocks + self.next] = self.low
        self.next = self.next + 1 == Self.blocks ? 0 : self.next + 1
        var hi = -Double.infinity, lo = Double.infinity
        for i in 0..<Self.blocks where !self.extremes[i].isNaN {
            hi = max(hi, self.extremes[i])
            lo = min(lo, self.extremes[Self.blocks + i])
        }
        self.pastHigh = hi
        self.pastLow = lo
        self.high = -.infinity
        self.low = .infinity
        self.filled = 0
    }

    func removeAll() {
        self.extremes.update(repeating: .nan, count: 2 * Self.blocks)
        self.next = 0
        self.pastHigh = -.infinity
        self.pastLow = .infinity
        self.high = -.infinity
        self.low = .infinity
        self.filled = 0
    }
}
