import Glibc

/// Streaming baselines of a device link, window by window: median round-trip time, share of requests that went
/// unanswered (timeouts, broken links) and share answered with an exception. After `learn` windows, a window far
/// from the baseline (twice in a row) opens the metric's condition; three windows back near it close it. The
/// baselines learn only from windows without an open condition. Fixed memory (a log-scale RTT histogram).
public struct LinkWatch: Sendable {
    public enum Metric: Int, Sendable, Hashable, CaseIterable {
        case latency, timeouts, exceptions
    }

    public enum Outcome: Sendable, Hashable {
        case answered(rttNanoseconds: Int64)
        case exception(rttNanoseconds: Int64)
        case unanswered
    }

    public struct Event: Sendable, Hashable {
        public var metric: Metric
        public var opened: Bool
        /// The window's value (milliseconds for latency, a share in [0, 1] otherwise) and the baseline's.
        public var value: Double
        public var baseline: Double

        public init(metric: Metric, opened: Bool, value: Double, baseline: Double) {
            self.metric = metric
            self.opened = opened
            self.value = value
            self.baseline = baseline
        }
    }

    public let windowNanoseconds: Int64
    public let learn: Int
    private var windowStart: Int64 = -1
    private var answered = 0
    private var exceptions = 0
    private var unanswered = 0
    /// RTT histogram: bucket i holds RTTs in [base·r^i, base·r^(i+1)), base 50 µs, r = 2^(1/4) (64 buckets to ~3 min).
    private var histogram = [UInt32](repeating: 0, count: 64)
    private var windows = 0
    private var logRTT = 0.0
    private var logDeviation = 0.0
    private var timeoutShare = 0.0
    private var exceptionShare = 0.0
    private var above = [0, 0, 0]
    private var below = [0, 0, 0]
    public private(set) var open = [false, false, false]

    /// Requests a window needs to be judged.
    public static let minRequests = 3

    public init(window: Duration = .seconds(10), learn: Int = 12) {
        self.windowNanoseconds = max(1, Int64(window.components.seconds) * 1_000_000_000
            + window.components.attoseconds / 1_000_000_000)
        self.learn = max(2, learn)
    }

    /// Records one request's outcome at monotonic time `now`; when this closes a window, returns its events (at
    /// most one per metric) into `events` and their count.
    public mutating func record(_ outcome: Outcome, now: Int64, into events: inout [Event]) -> Int {
        var count = 0
        if self.windowStart < 0 { self.windowStart = now }
        if now - self.windowStart >= self.windowNanoseconds {
            count = self.closeWindow(into: &events)
            self.windowStart = now
        }
        switch outcome {
        case .answered(let rtt):
            self.answered += 1
            self.histogram[Self.bucket(rtt)] += 1
        case .exception(let rtt):
            self.exceptions += 1
            self.histogram[Self.bucket(rtt)] += 1
        case .unanswered:
            self.unanswered += 1
        }
        return count
    }

    /// Whether the baselines are learnt.
    public var isLearnt: Bool { self.windows >= self.learn }

    /// The baselines: median RTT in milliseconds, timeout share, exception share.
    public var baselines: (rttMilliseconds: Double, timeouts: Double, exceptions: Double) {
        (exp(self.logRTT) / 1e6, self.timeoutShare, self.exceptionShare)
    }

    static func bucket(_ rtt: Int64) -> Int {
        guard rtt > 50_000 else { return 0 }
        return min(63, Int(4 * log2(Double(rtt) / 50_000)))
    }

    /// The median RTT of the window in nanoseconds (the middle of its bucket).
    private func medianRTT() -> Double? {
        let total = self.histogram.reduce(0) { $0 + Int($1) }
        guard total > 0 else { return nil }
        var seen = 0
        for (i, n) in self.histogram.enumerated() {
            seen += Int(n)
            if 2 * seen >= total { return 50_000 * pow(2, (Double(i) + 0.5) / 4) }
        }
        return nil
    }

    private mutating func closeWindow(into events: inout [Event]) -> Int {
        defer {
            self.answered = 0
            self.exceptions = 0
            self.unanswered = 0
            for i in self.histogram.indices { self.histogram[i] = 0 }
        }
        let requests = self.answered + self.exceptions + self.unanswered
        guard requests >= Self.minRequests else { return 0 }
        let timeouts = Double(self.unanswered) / Double(requests)
        let exceptionShare = Double(self.exceptions) / Double(requests)
        let median = self.medianRTT()
        if !self.isLearnt {
            self.windows += 1
            let w = 1 / Double(self.windows)
            if let median {
                let l = log(median)
                if self.windows == 1 { self.logRTT = l }
                self.logDeviation += (abs(l - self.logRTT) - self.logDeviation) * w
                self.logRTT += (l - self.logRTT) * w
            }
            self.timeoutShare += (timeouts - self.timeoutShare) * w
            self.exceptionShare += (exceptionShare - self.exceptionShare) * w
            return 0
        }
        var count = 0
        let alpha = 0.05
        // Latency: the median at least twice the baseline (more when the baseline is noisy) and 2 ms above it.
        if let median {
            let ratio = median / exp(self.logRTT)
            let far = ratio >= max(2, exp(4 * self.logDeviation)) && median - exp(self.logRTT) >= 2_000_000
            let near = ratio < max(1.5, exp(2 * self.logDeviation))
            if self.judge(.latency, far: far, near: near, value: median / 1e6, baseline: exp(self.logRTT) / 1e6,
                          into: &events, count: &count) {
                let l = log(median)
                self.logDeviation += (abs(l - self.logRTT) - self.logDeviation) * alpha
                self.logRTT += (l - self.logRTT) * alpha
            }
        }
        let farT = timeouts - self.timeoutShare >= 0.2 && self.unanswered >= 3
        if self.judge(.timeouts, far: farT, near: timeouts - self.timeoutShare < 0.1, value: timeouts,
                      baseline: self.timeoutShare, into: &events, count: &count) {
            self.timeoutShare += (timeouts - self.timeoutShare) * alpha
        }
        let farE = exceptionShare - self.exceptionShare >= 0.2 && self.exceptions >= 3
        if self.judge(.exceptions, far: farE, near: exceptionShare - self.exceptionShare < 0.1, value: exceptionShare,
                      baseline: self.exceptionShare, into: &events, count: &count) {
            self.exceptionShare += (exceptionShare - self.exceptionShare) * alpha
        }
        return count
    }

    /// Steps one metric's condition; returns whether the window may be learnt (no condition open or starting).
    private mutating func judge(_ metric: Metric, far: Bool, near: Bool, value: Double, baseline: Double,
                                into events: inout [Event], count: inout Int) -> Bool {
        let i = metric.rawValue
        self.above[i] = far ? self.above[i] + 1 : 0
        self.below[i] = near ? self.below[i] + 1 : 0
        if !self.open[i] && self.above[i] >= 2 {
            self.open[i] = true
            Self.emit(Event(metric: metric, opened: true, value: value, baseline: baseline), &events, &count)
        } else if self.open[i] && self.below[i] >= 3 {
            self.open[i] = false
            Self.emit(Event(metric: metric, opened: false, value: value, baseline: baseline), &events, &count)
        }
        return !self.open[i] && !far
    }

    private static func emit(_ event: Event, _ events: inout [Event], _ count: inout Int) {
        if count < events.count { events[count] = event } else { events.append(event) }
        count += 1
    }
}
