/// The last `capacity` values added, kept both in arrival order (to evict the oldest) and sorted (for the median
/// and quartiles in O(1)). Adding costs binary searches and one move of the elements between the evicted and the
/// inserted position: O(capacity) bytes moved at worst, about capacity/3 on average. Allocated once.
///
/// Values are kept in 4 bytes as `Float` offsets from the first value added (its origin, a `Double`): rounding
/// is monotone, so the order is exact, and a value comes back within 2⁻²⁴ of its distance from the origin.
public final class SortedWindow: @unchecked Sendable {
    private let fifo: UnsafeMutableBufferPointer<Float>
    private let sorted: UnsafeMutableBufferPointer<Float>
    @exclusivity(unchecked) private var origin = Double.nan
    @exclusivity(unchecked) private var head = 0
    @exclusivity(unchecked) public private(set) var count = 0

    public init(capacity: Int) {
        precondition(capacity >= 1)
        self.fifo = .allocate(capacity: capacity)
        self.fifo.initialize(repeating: 0)
        self.sorted = .allocate(capacity: capacity)
        self.sorted.initialize(repeating: 0)
    }

    deinit {
        self.fifo.deallocate()
        self.sorted.deallocate()
    }

    public var capacity: Int { self.fifo.count }
    public var isFull: Bool { self.count == self.fifo.count }

    /// Adds `x` (not NaN), evicting the oldest value when full: two binary searches and one memory move of the
    /// elements between the evicted and the inserted position.
    public func add(_ value: Double) {
        if self.origin.isNaN { self.origin = value }
        let x = Float(value - self.origin)
        let base = self.sorted.baseAddress!
        if self.count < self.fifo.count {
            self.fifo[(self.head + self.count) % self.fifo.count] = x
            let i = self.lowerBound(x, self.count)
            (base + i + 1).update(from: base + i, count: self.count - i)  // memmove: overlapping is allowed
            base[i] = x
            self.count += 1
            return
        }
        let old = self.fifo[self.head]
        self.fifo[self.head] = x
        self.head = self.head + 1 == self.fifo.count ? 0 : self.head + 1
        let i = self.lowerBound(old, self.count)
        if x > old {
            // Slots i+1 ..< j move down by one; x lands just before the first value ≥ x.
            let j = self.lowerBound(x, self.count)
            (base + i).update(from: base + i + 1, count: j - 1 - i)
            base[j - 1] = x
        } else {
            let j = self.lowerBound(x, i)
            (base + j + 1).update(from: base + j, count: i - j)
            base[j] = x
        }
    }

    /// The first position in `sorted[0..<end]` whose value is not below `x`.
    private func lowerBound(_ x: Float, _ end: Int) -> Int {
        var lo = 0, hi = end
        while lo < hi {
            let mid = (lo + hi) >> 1
            if self.sorted[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The q-quantile (0…1) by linear interpolation between order statistics.
    public func quantile(_ q: Double) -> Double {
        guard self.count > 0 else { return .nan }
        let position = q * Double(self.count - 1)
        let lower = Int(position)
        let upper = min(lower + 1, self.count - 1)
        let fraction = position - Double(lower)
        let a = Double(self.sorted[lower]), b = Double(self.sorted[upper])
        return self.origin + a + (b - a) * fraction
    }

    public var median: Double { self.quantile(0.5) }

    /// Mean absolute deviation of the values from `center`.
    public func meanAbsoluteDeviation(from center: Double) -> Double {
        guard self.count > 0 else { return 0 }
        var sum = 0.0
        let c = center - self.origin
        for i in 0..<self.count { sum += abs(Double(self.sorted[i]) - c) }
        return sum / Double(self.count)
    }

    public func removeAll() {
        self.head = 0
        self.count = 0
        self.origin = .nan
    }
}
