import Detectors
import Glibc
import Testing

/// The default bank on synthetic faults at 10 samples a second (the demo press's poll): each fault opens its
/// own detector's alert and nothing else, every alert closes once the signal is back to its normal (or the new
/// level has been accepted as the normal), a clean signal raises nothing from its first sample on, and nothing
/// is judged before the bank has learnt the channel.
struct AlertBehaviourTests {
    static let interval = 0.1
    /// The default policy: clear for 5 s and 12 samples.
    static let clearAfter = 5.0

    struct Event: Equatable, CustomStringConvertible {
        var sample: Int
        var kind: DetectorKind
        var transition: AlertTransition
        /// The event's own time (a spike's is its peak sample's).
        var time: Double
        var description: String { "\(self.sample):\(self.kind.rawValue):\(self.transition.rawValue)" }
    }

    /// Gaussian noise (Box–Muller over `TestNumbers`).
    struct Noise {
        var numbers: TestNumbers
        init(seed: UInt64) { self.numbers = TestNumbers(state: seed) }
        mutating func next() -> Double {
            let u1 = max(self.numbers.next(), 1e-300), u2 = self.numbers.next()
            return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
    }

    /// Runs the default bank (or `configuration`) over `count` samples of `signal(i, noise)`; returns every event.
    static func events(count: Int, seed: UInt64 = 1, configuration: DetectorBankConfiguration = .default,
                       _ signal: (Int, Double) -> Double) -> [Event] {
        let bank = DetectorBank(configuration, window: 1024)
        var noise = Noise(seed: seed)
        var events: [Event] = []
        for i in 0..<count {
            bank.update(signal(i, noise.next()), at: Double(i) * Self.interval)
            for e in bank.events {
                events.append(Event(sample: i, kind: e.kind, transition: e.transition, time: e.time))
            }
        }
        return events
    }

    static func kinds(_ events: [Event]) -> Set<DetectorKind> { Set(events.map(\.kind)) }
    static func opens(_ events: [Event], _ kind: DetectorKind) -> [Event] {
        events.filter { $0.kind == kind && $0.transition == .open }
    }

    static let onset = 3000

    @Test(arguments: [1, 2, 3] as [UInt64])
    func cleanSignalsRaiseNothingFromTheFirstSample(_ seed: UInt64) {
        let signals: [(String, (Int, Double) -> Double)] = [
            ("noise", { _, n in 100 + n }),
            ("quantised noise", { _, n in (100 + 2 * n).rounded() }),
            ("sine", { i, n in 100 + 20 * sin(2 * Double.pi * Double(i) / 80) + 0.3 * n }),
            ("slow wander", { i, n in 100 + 5 * sin(2 * Double.pi * Double(i) / 6000) + n }),
        ]
        for (name, signal) in signals {
            let events = Self.events(count: 20_000, seed: seed, signal)
            #expect(events.isEmpty, "\(name): \(events)")
        }
    }

    /// The statistical detectors judge a channel once its recent normal is a full window (128 accepted samples)
    /// and each statistic has 100 calibrated values after that: about 230 samples (23 s at 10 Hz). Before, the
    /// median and spread of fewer samples, and a tail fitted to a handful of values, would make ordinary noise
    /// look surprising.
    @Test func nothingIsJudgedBeforeTheBankHasLearntTheChannel() {
        for spikeAt in [20, 120, 200] {
            let events = Self.events(count: 400) { i, n in 100 + n + (i == spikeAt ? 50 : 0) }
            #expect(events.isEmpty, "a spike at sample \(spikeAt): \(events)")
        }
        let later = Self.events(count: 600) { i, n in 100 + n + (i == 300 ? 50 : 0) }
        #expect(Self.opens(later, .spike).map(\.sample) == [302], "\(later)")
    }

    @Test(arguments: [(1, 12.0), (2, 20.0), (3, 40.0), (1, -15.0)] as [(Int, Double)])
    func aShortSpikeOpensSpikeAndScoreOnlyAndCloses(_ length: Int, _ height: Double) {
        let events = Self.events(count: 6000) { i, n in
            100 + n + (i >= Self.onset && i < Self.onset + length ? height : 0)
        }
        #expect(Self.kinds(events) == [.spike, .score], "\(events)")
        #expect(Self.opens(events, .score).map(\.sample) == Self.opens(events, .spike).map(\.sample))
        let spike = Self.opens(events, .spike)
        #expect(spike.count == 1, "\(events)")
        guard let open = spike.first else { return }
        // Known two samples after it is over, stamped with its peak sample.
        #expect(open.sample == Self.onset + length + 1, "\(events)")
        #expect(open.time >= Double(Self.onset) * Self.interval && open.time < Double(Self.onset + length) * Self.interval)
        let close = events.first { $0.kind == .spike && $0.transition == .close }
        let back = Double(Self.onset + length) * Self.interval
        #expect(close != nil && Double(close!.sample) * Self.interval - back <= Self.clearAfter + 0.5,
                "closes once back for clear_after: \(events)")
    }

    /// Without shift on the channel, nobody else would report a level: spike (and score) open on any surprising
    /// sample at once, a wide spike or a step alike, and close once the signal is back or the level accepted. With
    /// shift, an excursion of more than 3 flagged samples is a level's.
    @Test(arguments: [4, 7, 3000])
    func withoutShiftSpikeTakesEveryExcursionAtOnce(_ length: Int) {
        let spikeOnly = DetectorBankConfiguration(
            spike: DetectorSetting(SpikeDetector.Parameters(), policy: DetectorBankConfiguration.defaultPolicy(.spike)))
        let signal: (Int, Double) -> Double = { i, n in 100 + n + (i >= Self.onset && i < Self.onset + length ? 30 : 0) }
        let alone = Self.events(count: 7000, configuration: spikeOnly, signal)
        #expect(Self.opens(alone, .spike).map(\.sample) == [Self.onset], "\(alone)")
        #expect(alone.last?.transition == .close, "\(alone)")
        let withShift = Self.events(count: 7000, signal)
        #expect(Self.kinds(withShift) == [.shift], "\(withShift)")
    }

    @Test(arguments: [6.0, 10.0, -25.0])
    func aPermanentStepOpensShiftOnlyAndClosesOnceTheNewLevelIsTheNormal(_ step: Double) {
        let events = Self.events(count: 8000) { i, n in 100 + n + (i >= Self.onset ? step : 0) }
        #expect(Self.kinds(events) == [.shift], "\(events)")
        let opens = Self.opens(events, .shift)
        #expect(opens.count == 1, "\(events)")
        #expect(opens.first.map { $0.sample - Self.onset <= 6 } == true, "within 6 samples: \(events)")
        let close = events.last { $0.kind == .shift && $0.transition == .close }
        // Accepted as the normal: after `relearn` (128) samples off, the window fills with the new level.
        #expect(close.map { $0.sample - Self.onset < 400 } == true, "\(events)")
    }

    @Test func aStepThatEndsClosesOnceTheSignalIsBack() {
        let events = Self.events(count: 6000) { i, n in 100 + n + (i >= Self.onset && i < Self.onset + 50 ? 8 : 0) }
        #expect(Self.kinds(events) == [.shift], "\(events)")
        #expect(Self.opens(events, .shift).count == 1, "\(events)")
        let close = events.last { $0.kind == .shift && $0.transition == .close }
        let back = Double(Self.onset + 50) * Self.interval
        #expect(close.map { Double($0.sample) * Self.interval - back <= Self.clearAfter + 1 } == true, "\(events)")
    }

    /// Drifts of 0.05 to 0.3 robust σ a sample (0.5 to 3 σ a second at 10 Hz), up to a new level that stays.
    @Test(arguments: [0.05, 0.1, 0.3, -0.15])
    func aDriftOpensShiftOnly(_ slope: Double) {
        let events = Self.events(count: 8000) { i, n in
            100 + n + (i >= Self.onset ? (slope > 0 ? 1 : -1) * min(30, abs(slope) * Double(i - Self.onset)) : 0)
        }
        #expect(Self.kinds(events) == [.shift], "\(events)")
        let first = Self.opens(events, .shift).first
        // Before it has moved by 8 σ.
        #expect(first.map { Double($0.sample - Self.onset) * abs(slope) <= 8 } == true, "\(events)")
        #expect(events.last?.transition == .close, "closed in the end: \(events)")
    }

    @Test func aStuckValueOpensFlatlineOnly() {
        let stuck = Self.onset..<(Self.onset + 300)
        let noisy = Self.events(count: 6000) { i, n in stuck.contains(i) ? 100.37 : 100 + n }
        let periodic = Self.events(count: 6000) { i, n in
            stuck.contains(i) ? 100 + 20 * sin(2 * Double.pi * Double(Self.onset) / 80)
                : 100 + 20 * sin(2 * Double.pi * Double(i) / 80) + 0.3 * n
        }
        for events in [noisy, periodic] {
            #expect(Self.kinds(events) == [.flatline], "\(events)")
            #expect(Self.opens(events, .flatline).map(\.sample) == [Self.onset + 20], "\(events)")
            #expect(events.last.map { $0.transition == .close && $0.sample < stuck.upperBound + 60 } == true)
        }
    }

    /// The scenario of the issue: a 2-sample spike used to open spike, score and, 4 s later, a shift that stayed
    /// open through a later step and stuck value, which raised nothing of their own.
    @Test func aSpikeThenAStepThenAStuckValueEachRaiseTheirOwnAlert() {
        let spikeAt = 3000, stepAt = 3600, stuckAt = 5000
        let events = Self.events(count: 7000) { i, n in
            if i >= stuckAt && i < stuckAt + 200 { return 108.5 }
            return 100 + n + (i == spikeAt || i == spikeAt + 1 ? 20 : 0) + (i >= stepAt ? 8 : 0)
        }
        let spikePart = events.filter { $0.sample < stepAt }
        #expect(Self.kinds(spikePart) == [.spike, .score], "\(spikePart)")
        #expect(spikePart.filter { $0.transition == .close }.count == 2, "both closed before the step: \(spikePart)")
        let stepPart = events.filter { $0.sample >= stepAt && $0.sample < stuckAt }
        #expect(Self.opens(stepPart, .shift).count == 1, "\(stepPart)")
        #expect(Self.kinds(stepPart) == [.shift], "\(stepPart)")
        #expect(stepPart.last?.transition == .close, "the step accepted as the normal: \(stepPart)")
        let stuckPart = events.filter { $0.sample >= stuckAt }
        #expect(Self.kinds(stuckPart) == [.flatline], "\(stuckPart)")
        #expect(stuckPart.last?.transition == .close, "\(stuckPart)")
    }
}
