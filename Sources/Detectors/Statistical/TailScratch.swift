import Synchronization

/// Work arrays of ``TailCalibrator``'s occasional rebuild, shared by all channels (a rebuild is short and rare).
final class TailScratch: @unchecked Sendable {
    var values: UnsafeMutableBufferPointer<Double> = .init(start: nil, count: 0)
    var arrivals: UnsafeMutableBufferPointer<Int> = .init(start: nil, count: 0)

    func ensure(_ n: Int) {
        guard self.values.count < n else { return }
        self.values.deallocate()
        self.arrivals.deallocate()
        self.values = .allocate(capacity: n)
        self.arrivals = .allocate(capacity: n)
    }

    static let shared = Mutex(TailScratch())
}
