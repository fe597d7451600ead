/// The seasonal baseline of a channel: its last `window` samples, the period found in them (see
/// ``PeriodFinder``), and the expected value of a sample as the median of the values 1…K periods before it.
///
/// The history stores every sample, flagged or not; a fault shorter than two periods cannot move a median of three
/// cycles, so the baseline does not learn it. The history is the channel's own sample ring (shared, not copied):
/// failed reads sit in it as NaN, so that ages stay aligned with time, and are skipped.
final class SeasonalBaseline: @unchecked Sendable {
    let history: SampleRing
    @exclusivity(unchecked) private(set) var period = 0
    @exclusivity(unchecked) private var nextCheck: Int
    private let shared: Shared<StatisticalParameters>
    private var parameters: StatisticalParameters { self.shared.value }

    init(history: SampleRing, parameters: Shared<StatisticalParameters>) {
        self.history = history
        self.shared = parameters
        self.nextCheck = parameters.value.periodFillEvery
    }

    var window: Int { self.history.capacity }
    var count: Int { self.history.count }

    /// The value stored `j` samples ago (1 = the newest); NaN for a failed read.
    func value(ago j: Int) -> Double { self.history[age: j - 1] }

    /// The expected value of the sample `lag0` samples ago (0: the one about to be stored): the median of the
    /// values 1…K periods before it that are in the history; NaN without a period or history.
    func prediction(lag0: Int) -> Double {
        let p = self.period
        guard p > 0 else { return .nan }
        let k = min(self.parameters.seasonK, 8)
        // On the stack: a scratch kept in the object would be 64 bytes per channel.
        var scratch = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        return withUnsafeMutableBytes(of: &scratch) { raw in
            let tmp = raw.bindMemory(to: Double.self)
            var m = 0
            for cycle in 1...max(1, k) {
                let j = lag0 + cycle * p
                guard j <= self.count else { continue }
                let v = self.value(ago: j)
                if v.isNaN { continue }
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

    /// Stores sample number `n` (1-based count of good samples); returns true when the period changed.
    func push(_ x: Double, n: Int) -> Bool {
        self.history.push(x)
        guard self.declared == nil, n >= self.nextCheck else { return false }
        let window = self.history.capacity
        self.nextCheck += self.count < window ? self.parameters.periodFillEvery : window * self.parameters.periodRecheckWindows
        let count = self.count
        let (period, _) = PeriodFinder.find(count: count, window: window, current: self.period,
                                            parameters: self.parameters) { j in self.value(ago: count - j) }
        guard period != self.period else { return false }
        self.period = period
        return true
    }
}
