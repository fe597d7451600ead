/// Capped exponential backoff between reconnect attempts: `initial`, then doubling up to `maximum`.
public struct ReconnectBackoff: Sendable, Hashable {
    public let initial: Int64
    public let maximum: Int64
    private var current: Int64

    public init(initialNanoseconds: Int64 = 500_000_000, maximumNanoseconds: Int64 = 30_000_000_000) {
        self.initial = initialNanoseconds
        self.maximum = maximumNanoseconds
        self.current = initialNanoseconds
    }

    /// The delay before the next attempt; each call doubles the following one.
    public mutating func next() -> Int64 {
        let delay = self.current
        self.current = min(self.maximum, self.current * 2)
        return delay
    }

    public mutating func reset() { self.current = self.initial }
}
