import Detectors
import Testing

/// The parameter watch's lifecycle and the link watch's baselines, on synthetic inputs.
struct IntegrityWatchTests {
    @Test func parameterWatchLifecycle() {
        var w = ParameterWatch()
        #expect(w.observe(80, inMaintenance: false) == nil)  // baseline
        #expect(w.observe(80, inMaintenance: false) == nil)
        #expect(w.observe(95, inMaintenance: false) == .changed(from: 80, to: 95, first: true))
        #expect(w.observe(95, inMaintenance: false) == nil)
        #expect(w.observe(97, inMaintenance: false) == .changed(from: 80, to: 97, first: false))
        #expect(w.observe(80, inMaintenance: false) == .restored(80))
        #expect(!w.isOpen)
        #expect(w.observe(90, inMaintenance: false) == .changed(from: 80, to: 90, first: true))
        #expect(w.observe(90, inMaintenance: true) == .accepted(from: 80, to: 90))
        #expect(w.baseline == 90 && !w.isOpen)
        #expect(w.observe(91, inMaintenance: true) == .rebaselined(from: 90, to: 91))
        #expect(w.observe(91, inMaintenance: false) == nil)
        // NaN never equals a number: a NaN reading that decodes is a change (failed reads are not fed).
        #expect(w.observe(.nan, inMaintenance: false) != nil)
    }

    func feed(_ w: inout LinkWatch, seconds: Int, rttMs: Double, exceptionEvery: Int = 0, unanswered: Bool = false,
              start: inout Int64) -> [LinkWatch.Event] {
        var events = [LinkWatch.Event](repeating: .init(metric: .latency, opened: false, value: 0, baseline: 0), count: 3)
        var out: [LinkWatch.Event] = []
        for i in 0..<(seconds * 20) {
            start += 50_000_000
            let rtt = Int64(rttMs * 1e6)
            let outcome: LinkWatch.Outcome = unanswered ? .unanswered
                : exceptionEvery > 0 && i % exceptionEvery == 0 ? .exception(rttNanoseconds: rtt) : .answered(rttNanoseconds: rtt)
            let n = w.record(outcome, now: start, into: &events)
            out += events.prefix(n)
        }
        return out
    }

    @Test func linkWatchLearnsThenFlagsShiftsOnceAndClears() {
        var w = LinkWatch(window: .seconds(1), learn: 5)
        var t: Int64 = 0
        #expect(self.feed(&w, seconds: 10, rttMs: 0.4, start: &t).isEmpty)
        #expect(w.isLearnt)
        let slow = self.feed(&w, seconds: 5, rttMs: 30, start: &t)
        #expect(slow.count == 1 && slow.first?.metric == .latency && slow.first?.opened == true)
        #expect((slow.first?.value ?? 0) > 20 && (slow.first?.baseline ?? 1) < 1)
        let back = self.feed(&w, seconds: 5, rttMs: 0.4, start: &t)
        #expect(back.count == 1 && back.first?.opened == false)
        // The baseline did not learn the slow stretch.
        #expect(w.baselines.rttMilliseconds < 1)
        let exceptions = self.feed(&w, seconds: 4, rttMs: 0.4, exceptionEvery: 2, start: &t)
        #expect(exceptions.map(\.metric) == [.exceptions])
        let silent = self.feed(&w, seconds: 4, rttMs: 0, unanswered: true, start: &t)
        #expect(silent.contains { $0.metric == .timeouts && $0.opened })
    }

    @Test func linkWatchIgnoresJitterWithinItsBaseline() {
        var w = LinkWatch(window: .seconds(1), learn: 5)
        var t: Int64 = 0
        var events: [LinkWatch.Event] = []
        for k in 0..<60 {
            // 1 to 3 ms, varying window to window.
            events += self.feed(&w, seconds: 1, rttMs: 1 + Double(k % 3), start: &t)
        }
        #expect(events.isEmpty)
    }
}
