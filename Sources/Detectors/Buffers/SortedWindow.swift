import Glibc

/// The last `capacity` values added, kept sorted (for the median and quartiles in O(1)), each with its arrival
/// stamp (arrival number modulo the capacity) to find the oldest when it is evicted. Adding costs a vectorised count
/// of the values below the new one, a scan of the stamps for the oldest and one move of the elements between the
/// evicted and the inserted position:
/// O(capacity) bytes at worst, about capacity/3 on average. Allocated once.
///
/// Values are kept in 4 bytes as `Float` offsets from the first value added (its origin, a `Double`): rounding
/// is monotone, so the order is exact, and a value comes back within 2⁻²⁴ of its distance from the origin. A stamp
/// takes 1 byte up to a capacity of 256, else 2: 5 bytes a value for the default 128, where a second copy of the
/// values in arrival order took 8.
public final class SortedWindow: @unchecked Sendable {
    /// [sorted: Float × capacity][stamps: UInt8 or UInt16 × capacity], one allocation.
    private let sorted: UnsafeMutablePointer<Float>
    private let stamps: UnsafeMutableRawPointer
    public let capacity: Int
    /// Stamps are 16 bits (capacity above 256).
    private let wide: Bool
    @exclusivity(unchecked) private var origin = Double.nan
    /// The stamp of the oldest value (when full) and of the next one, which replaces it.
    @exclusivity(unchecked) private var next = 0
    @exclusivity(unchecked) public private(set) var count = 0

    public init(capacity: Int) {
        precondition(capacity >= 1 && capacity <= 1 << 16)
        self.capacity = capacity
        self.wide = capacity > 256
        let bytes = capacity * (4 + (self.wide ? 2 : 1))
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 4)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        self.sorted = raw.assumingMemoryBound(to: Float.self)
        self.stamps = raw + 4 * capacity
    }

    deinit { UnsafeMutableRawPointer(self.sorted).deallocate() }

    public var isFull: Bool { self.count == self.capacity }

    /// Adds `x` (not NaN: it has no rank), evicting the oldest value when full: a count of the values below it, a
    /// scan of the stamps and one memory move of the elements between the evicted and the inserted position.
    public func add(_ value: Double) {
        if self.origin.isNaN { self.origin = value }
        let x = Float(value - self.origin)
        let stamp = self.next
        self.next = stamp + 1 == self.capacity ? 0 : stamp + 1
        if self.count < self.capacity {
            let i = self.lowerBound(x, self.count)
            self.move(from: i, to: i + 1, count: self.count - i)
            self.put(x, stamp, at: i)
            self.count += 1
            return
        }
        // The oldest value carries the stamp the new one takes.
        let i = self.position(of: stamp)
        let old = self.sorted[i]
        if x > old {
            // Slots i+1 ..< j move down by one; x lands just before the first value ≥ x.
            let j = self.lowerBound(x, self.count)
            self.move(from: i + 1, to: i, count: j - 1 - i)
            self.put(x, stamp, at: j - 1)
        } else {
            let j = self.lowerBound(x, i)
            self.move(from: j, to: j + 1, count: i - j)
            self.put(x, stamp, at: j)
        }
    }

    @inline(__always)
    private func put(_ x: Float, _ stamp: Int, at i: Int) {
        self.sorted[i] = x
        if self.wide {
            self.stamps.storeBytes(of: UInt16(truncatingIfNeeded: stamp), toByteOffset: 2 * i, as: UInt16.self)
        } else {
            self.stamps.storeBytes(of: UInt8(truncatingIfNeeded: stamp), toByteOffset: i, as: UInt8.self)
        }
    }

    /// Moves `count` elements (values and stamps) from `from` to `to` (overlapping is allowed: memmove).
    @inline(__always)
    private func move(from: Int, to: Int, count: Int) {
        guard count > 0 else { return }
        (self.sorted + to).update(from: self.sorted + from, count: count)
        let w = self.wide ? 2 : 1
        (self.stamps + w * to).copyMemory(from: self.stamps + w * from, byteCount: w * count)
    }

    /// Where the value with `stamp` is (it is there: the window is full).
    private func position(of stamp: Int) -> Int {
        if self.wide {
            let s = self.stamps.assumingMemoryBound(to: UInt16.self)
            let t = UInt16(truncatingIfNeeded: stamp)
            for i in 0..<self.count where s[i] == t { return i }
        } else if let p = memchr(self.stamps, Int32(stamp), self.count) {
            return self.stamps.distance(to: p)  // memchr: the C library's vectorised byte search
        }
        preconditionFailure("a full window holds every stamp")
    }

    /// The first position in `sorted[0..<end]` whose value is not below `x`: the number of values below `x`,
    /// counted over the whole range. That is more comparisons than a binary search, but vectorised (four or eight
    /// at a time) and without a branch on them: on noisy values the binary search's branch was mispredicted at
    /// about every other step, and those stalls were most of the cost of ``add(_:)``.
    @inline(__always)
    private func lowerBound(_ x: Float, _ end: Int) -> Int {
        let sorted = self.sorted
        var below: Int32 = 0
        for i in 0..<end where sorted[i] < x { below &+= 1 }
        return Int(below)
    }

    /// The q-quantile (0…1) by linear interpolation between order statistics.
    public func quantile(_ q: Double) -> Double {
        guard self.count > 0 else { return .nan }
        return self.interpolated(q)
    }

    /// The q-quantile of a window that holds values: inlined, so that ``quartiles()`` shares its bookkeeping and
    /// the three quantiles' loads are independent.
    @inline(__always)
    private func interpolated(_ q: Double) -> Double {
        let last = self.count - 1
        let position = q * Double(last)
        let lower = Int(position)
        let upper = min(lower + 1, last)
        let fraction = position - Double(lower)
        let a = Double(self.sorted[lower]), b = Double(self.sorted[upper])
        return self.origin + a + (b - a) * fraction
    }

    public var median: Double { self.quantile(0.5) }

    /// The value of rank `i` (0: the smallest); `i` below ``count``.
    func value(rank i: Int) -> Double {
        precondition(i >= 0 && i < self.count, "rank out of range")
        return self.origin + Double(self.sorted[i])
    }

    /// The 0.25, 0.5 and 0.75 quantiles, each exactly as ``quantile(_:)`` gives it, at once (one call, independent
    /// loads).
    public func quartiles() -> (lower: Double, median: Double, upper: Double) {
        guard self.count > 0 else { return (.nan, .nan, .nan) }
        return (self.interpolated(0.25), self.interpolated(0.5), self.interpolated(0.75))
    }

    /// Mean absolute deviation of the values from `center`.
    public func meanAbsoluteDeviation(from center: Double) -> Double {
        guard self.count > 0 else { return 0 }
        var sum = 0.0
        let c = center - self.origin
        for i in 0..<self.count { sum += abs(Double(self.sorted[i]) - c) }
        return sum / Double(self.count)
    }

    public func removeAll() {
        self.next = 0
        self.count = 0
        self.origin = .nan
    }
}
