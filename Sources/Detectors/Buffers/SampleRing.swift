/// A channel's recent samples in 4 bytes each: a fixed-capacity ring of `Float` offsets from the channel's first
/// finite sample (its origin, kept as a `Double`). Offsets keep the precision where detectors need it: a value
/// is restored to within 2⁻²⁴ (6·10⁻⁸) of its distance from the origin, so a reading of 1,000,000.25 that moves
/// by hundredths stays exact to hundredths, where a plain `Float` would round it to 1/16. NaN (a failed read) is
/// stored as is. Allocated once in `init`; pushing into a full ring overwrites the oldest sample. Not thread-safe:
/// a ring belongs to the thread that polls its channel.
public final class SampleRing: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Float>
    /// Index where the next sample goes.
    @exclusivity(unchecked) private var head = 0
    /// Samples held, up to `capacity`.
    @exclusivity(unchecked) public private(set) var count = 0
    /// Samples pushed since creation (monotonic).
    @exclusivity(unchecked) public private(set) var pushed = 0
    /// The first finite sample pushed (NaN until then).
    @exclusivity(unchecked) public private(set) var origin = Double.nan

    public init(capacity: Int) {
        precondition(capacity >= 1, "a ring holds at least one sample")
        self.storage = .allocate(capacity: capacity)
        self.storage.initialize(repeating: .nan)
    }

    deinit { self.storage.deallocate() }

    public var capacity: Int { self.storage.count }

    /// Bytes of sample storage (what `otsentry check` reports as preallocated).
    public static func storageBytes(capacity: Int) -> Int { capacity * MemoryLayout<Float>.stride }

    public func push(_ value: Double) {
        if self.origin.isNaN && value.isFinite { self.origin = value }
        self.storage[self.head] = Float(value - self.origin)
        self.head = self.head + 1 == self.storage.count ? 0 : self.head + 1
        if self.count < self.storage.count { self.count += 1 }
        self.pushed &+= 1
    }

    /// The sample pushed `age` pushes ago: `self[age: 0]` is the newest. `age` must be below `count`.
    public subscript(age age: Int) -> Double {
        precondition(age >= 0 && age < self.count, "age out of range")
        var index = self.head - 1 - age
        if index < 0 { index += self.storage.count }
        return self.origin + Double(self.storage[index])
    }

    /// The newest sample, if any.
    public var last: Double? { self.count == 0 ? nil : self[age: 0] }

    public func removeAll() {
        self.head = 0
        self.count = 0
        self.origin = .nan
    }
}
