/// The seasonal baseline of a channel: its last `window` samples, the period found in them (see
/// ``PeriodFinder``), and the expected value of a sample as the median of the values 1…K periods before it.
///
/// The history stores every sample, flagged or not; a fault shorter than two periods cannot move a median of three
/// cycles, so the baseline does not learn it.
final class SeasonalBaseline: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<Double>
    @exclusivity(unchecked) private var head = 0
    @exclusivity(unchecked) private(set) var count = 0
    @exclusivity(unchecked) private(set) var period = 0
    @exclusivity(unchecked) private var nextCheck: Int
    private let parameters: StatisticalParameters
    @exclusivity(unchecked) private var sortScratch = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)

    init(window: Int, parameters: StatisticalParameters) {
        self.buffer = .allocate(capacity: window)
        self.buffer.initialize(repeating: 0)
        self.parameters = parameters
        self.nextCheck = parameters.periodFillEvery
    }

    deinit { self.buffer.deallocate() }

    var window: Int { self.buffer.count }

    /// The value stored `j` samples ago (1 = the newest).
    func value(ago j: Int) -> Double {
        var i = self.head - j
        if i < 0 { i += self.buffer.count }
        return self.buffer[i]
    }

    /// The expected value of the sample `lag0` samples ago (0: the one about to be stored): the median of the
    /// values 1…K periods before it that are in the history; NaN without a period or history.
    func prediction(lag0: Int) -> Double {
        let p = self.period
        guard p > 0 else { return .nan }
        let k = min(self.parameters.seasonK, 8)
        return withUnsafeMutableBytes(of: &self.sortScratch) { raw in
            let tmp = raw.bindMemory(to: Double.self)
            var m = 0
            for cycle in 1...max(1, k) {
                let j = lag0 + cycle * p
                guard j <= self.count else { continue }
                let v = self.value(ago: j)
                var i = m
                while i > 0 && tmp[i - 1] > v {
                    tmp[i] = tmp[i - 1]
                    i -= 1
                }
                tmp[i] = v
                m += 1
            }
            guard m > 0 else { return .nan }
            return m & 1 == 1 ? tmp[m / 2] : 0.5 * (tmp[m / 2 - 1] + tmp[m / 2])
        }
    }

    /// A period the channel declares (`period:`), in samples: used as it is, instead of searching for one.
    @exclusivity(unchecked) var declared: Int?

    /// Adopts the declared period (once the sampling interval is known); true when it changed.
    func adopt(declared period: Int) -> Bool {
        self.declared = period
        guard period != self.period else { return false }
        self.period = period
        return true
    }

    /// Stores sample number `n` (1-based count of samples); returns true when the period changed.
    func push(_ x: Double, n: Int) -> Bool {
        self.buffer[self.head] = x
        self.head = self.head + 1 == self.buffer.count ? 0 : self.head + 1
        if self.count < self.buffer.count { self.count += 1 }
        guard self.declared == nil, n >= self.nextCheck else { return false }
        self.nextCheck += self.count < self.buffer.count
            ? self.parameters.periodFillEvery : self.buffer.count * self.parameters.periodRecheckWindows
        let count = self.count
        let (period, _) = PeriodFinder.find(count: count, window: self.buffer.count, current: self.period,
                                            parameters: self.parameters) { j in self.value(ago: count - j) }
        guard period != self.period else { return false }
        self.period = period
        return true
    }
}
