/// The last `capacity` values added, kept both in arrival order (to evict the oldest) and sorted (for the median
/// and quartiles in O(1)). Adding costs a binary search and one shift of the elements between the evicted and the
/// inserted position: O(capacity) memory moves at worst, about capacity/3 on average. Allocated once.
public final class SortedWindow: @unchecked Sendable {
    private let fifo: UnsafeMutableBufferPointer<Double>
    private let sorted: UnsafeMutableBufferPointer<Double>
    private var head = 0
    public private(set) var count = 0

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

    /// Adds `x` (not NaN), evicting the oldest value when full.
    public func add(_ x: Double) {
        if self.count < self.fifo.count {
            self.fifo[(self.head + self.count) % self.fifo.count] = x
            var i = self.count
            while i > 0 && self.sorted[i - 1] > x {
                self.sorted[i] = self.sorted[i - 1]
                i -= 1
            }
            self.sorted[i] = x
            self.count += 1
            return
        }
        let old = self.fifo[self.head]
        self.fifo[self.head] = x
        self.head = self.head + 1 == self.fifo.count ? 0 : self.head + 1
        // Replace `old` by `x` in the sorted array, shifting only the elements between them.
        var i = self.index(of: old)
        if x > old {
            while i + 1 < self.count && self.sorted[i + 1] < x {
                self.sorted[i] = self.sorted[i + 1]
                i += 1
            }
        } else {
            while i > 0 && self.sorted[i - 1] > x {
                self.sorted[i] = self.sorted[i - 1]
                i -= 1
            }
        }
        self.sorted[i] = x
    }

    /// Position of a value known to be present (binary search).
    private func index(of x: Double) -> Int {
        var lo = 0, hi = self.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
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
        return self.sorted[lower] + (self.sorted[upper] - self.sorted[lower]) * fraction
    }

    public var median: Double { self.quantile(0.5) }

    /// Mean absolute deviation of the values from `center`.
    public func meanAbsoluteDeviation(from center: Double) -> Double {
        guard self.count > 0 else { return 0 }
        var sum = 0.0
        for i in 0..<self.count { sum += abs(self.sorted[i] - center) }
        return sum / Double(self.count)
    }

    public func removeAll() {
        self.head = 0
        self.count = 0
    }
}
