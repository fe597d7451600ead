/// A fixed-capacity ring of trivially copyable values, allocated once in `init` and never resized: pushing
/// into a full ring overwrites the oldest element. Not thread-safe; a ring belongs to the thread that polls its
/// channel.
public final class RingBuffer<Element: BitwiseCopyable> {
    let storage: UnsafeMutableBufferPointer<Element>
    /// Index where the next element goes.
    @exclusivity(unchecked) var head = 0
    /// Elements held, up to `capacity`.
    @exclusivity(unchecked) public private(set) var count = 0
    /// Elements pushed since creation (monotonic), for aligning rings that are pushed together.
    @exclusivity(unchecked) public private(set) var pushed: Int = 0

    public init(capacity: Int, initial: Element) {
        precondition(capacity >= 1, "a ring holds at least one element")
        self.storage = .allocate(capacity: capacity)
        self.storage.initialize(repeating: initial)
    }

    deinit { self.storage.deallocate() }

    public var capacity: Int { self.storage.count }

    /// Bytes of element storage (what `otsentry check` reports as preallocated).
    public static func storageBytes(capacity: Int) -> Int { capacity * MemoryLayout<Element>.stride }

    public func push(_ value: Element) {
        self.storage[self.head] = value
        self.head = self.head + 1 == self.storage.count ? 0 : self.head + 1
        if self.count < self.storage.count { self.count += 1 }
        self.pushed &+= 1
    }

    /// The element pushed `age` pushes ago: `self[age: 0]` is the newest. `age` must be below `count`.

    public subscript(age age: Int) -> Element {
        precondition(age >= 0 && age < self.count, "age out of range")
        var index = self.head - 1 - age
        if index < 0 { index += self.storage.count }
        return self.storage[index]
    }

    /// The newest element, if any.
    public var last: Element? { self.count == 0 ? nil : self[age: 0] }

    public func removeAll() {
        self.head = 0
        self.count = 0
    }
}

extension RingBuffer: @unchecked Sendable {}
