/// The samples of one poll group that wait for their channels' detectors (`detection_latency`): up to `depth`
/// cycles of every channel of the group, then the detectors run on each channel's batch in turn.
///
/// Why: at 10 Hz on 1,000 channels a channel's detector state (about 3 KB) has left the CPU caches by its next
/// sample, and fetching it again costs several times the arithmetic. In a batch it is fetched once for `depth`
/// samples. Nothing else waits: the summary statistics, the last value and the parameter watches take each
/// sample at once, and the batch is run before anything reads the detectors or the rings (a summary, a
/// snapshot, the thread's end).
///
/// Fixed memory, allocated in `init`: 8 bytes per channel and cycle, and 8 per request and cycle for the times.
final class PendingSamples {
    /// Cycles a batch holds (1: the detectors run after every cycle).
    let depth: Int
    /// Values by channel position in the group (requests in order, each request's channels in order), then cycle:
    /// a channel's batch is contiguous. NaN: the read failed.
    private let values: UnsafeMutablePointer<Double>
    /// Sample times (monotonic seconds, the end of the request that read the sample), by request then cycle.
    private let times: UnsafeMutablePointer<Double>
    /// Position of each request's first channel.
    let firstChannel: [Int]
    /// Cycles held.
    private(set) var count = 0
    /// Monotonic start of the first cycle held.
    private(set) var firstCycle: Int64 = 0

    init(depth: Int, channelsPerRequest: [Int]) {
        self.depth = max(1, depth)
        var first: [Int] = []
        var n = 0
        for c in channelsPerRequest {
            first.append(n)
            n += c
        }
        self.firstChannel = first
        let requests = channelsPerRequest.count
        self.values = .allocate(capacity: max(1, n * self.depth))
        self.values.initialize(repeating: .nan, count: max(1, n * self.depth))
        self.times = .allocate(capacity: max(1, requests * self.depth))
        self.times.initialize(repeating: 0, count: max(1, requests * self.depth))
    }

    deinit {
        self.values.deallocate()
        self.times.deallocate()
    }

    /// The batch holds `depth` cycles: its detectors must run before the next cycle.
    var isFull: Bool { self.count >= self.depth }

    /// Opens the next cycle (started at monotonic `start`); the batch must not be full.
    func beginCycle(at start: Int64) {
        if self.count == 0 { self.firstCycle = start }
    }

    /// Stores the sample of the channel at `position` for the cycle being filled.
    @inline(__always)
    func store(_ value: Double, position: Int) {
        self.values[position * self.depth + self.count] = value
    }

    /// Stores the time of request `r`'s samples for the cycle being filled.
    @inline(__always)
    func stamp(_ time: Double, request r: Int) {
        self.times[r * self.depth + self.count] = time
    }

    /// Closes the cycle being filled.
    func endCycle() { self.count += 1 }

    /// Whether the batch must run now: full, or its first cycle would otherwise wait longer than `latency`
    /// nanoseconds after one more cycle of `interval`.
    func isDue(now: Int64, latency: Int64, interval: Int64) -> Bool {
        self.isFull || (self.count > 0 && now + interval - self.firstCycle > latency)
    }

    /// The batch of the channel at `position`, oldest first.
    @inline(__always)
    func values(position: Int) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: self.values + position * self.depth, count: self.count)
    }

    /// The times of request `r`'s samples, oldest first.
    @inline(__always)
    func times(request r: Int) -> UnsafeBufferPointer<Double> {
        UnsafeBufferPointer(start: self.times + r * self.depth, count: self.count)
    }

    /// Empties the batch (after its samples went to the detectors).
    func clear() { self.count = 0 }
}
