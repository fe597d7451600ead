/// Round-trip times of the successful transactions of one summary interval, kept in fixed memory: the most
/// recent `capacity` samples for the median, and the maximum of all of them.
struct LatencyWindow {
    private let samples: UnsafeMutableBufferPointer<Double>
    private let scratch: UnsafeMutableBufferPointer<Double>
    private var count = 0
    private var next = 0
    private(set) var maximum = 0.0

    init(capacity: Int = 256) {
        self.samples = .allocate(capacity: capacity)
        self.samples.initialize(repeating: 0)
        self.scratch = .allocate(capacity: capacity)
        self.scratch.initialize(repeating: 0)
    }

    var isEmpty: Bool { self.count == 0 }

    mutating func add(milliseconds: Double) {
        self.samples[self.next] = milliseconds
        self.next = (self.next + 1) % self.samples.count
        self.count = min(self.count + 1, self.samples.count)
        self.maximum = max(self.maximum, milliseconds)
    }

    /// The median of the kept samples (insertion sort into preallocated scratch: no allocation).
    func median() -> Double {
        guard self.count > 0 else { return .nan }
        for i in 0..<self.count {
            let x = self.samples[i]
            var j = i
            while j > 0 && self.scratch[j - 1] > x {
                self.scratch[j] = self.scratch[j - 1]
                j -= 1
            }
            self.scratch[j] = x
        }
        let mid = self.count / 2
        return self.count % 2 == 1 ? self.scratch[mid] : (self.scratch[mid - 1] + self.scratch[mid]) / 2
    }

    mutating func reset() {
        self.count = 0
        self.next = 0
        self.maximum = 0
    }

    func release() {
        self.samples.deallocate()
        self.scratch.deallocate()
    }
}
