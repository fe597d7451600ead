import Detectors
import Testing

struct AlertTrackerTests {
    @Test func opensUpdatesAtMostEveryIntervalAndClosesAfterClearTime() {
        var t = AlertTracker(policy: AlertPolicy(minDuration: 0, updateInterval: 10, clearAfter: 5, clearSamples: 3))
        #expect(t.step(at: 0, active: false, score: 0) == nil)
        #expect(t.step(at: 1, active: true, score: 2) == .open)
        #expect(t.step(at: 2, active: true, score: 3) == nil)  // new extreme, but within update_interval
        #expect(t.step(at: 11, active: true, score: 2.5) == .update)  // the pending extreme (3) is published
        #expect(t.step(at: 22, active: true, score: 2.5) == nil)  // no new extreme: no update
        #expect(t.step(at: 23, active: false, score: 0) == nil)
        #expect(t.step(at: 25, active: false, score: 0) == nil)
        #expect(t.step(at: 27, active: true, score: 1) == nil)  // the condition returns: clearing starts over
        #expect(t.step(at: 28, active: false, score: 0) == nil)
        #expect(t.step(at: 30, active: false, score: 0) == nil)
        #expect(t.step(at: 33, active: false, score: 0) == .close)  // 5 s and 3 samples clear
        #expect(!t.isOpen)
        #expect(t.step(at: 34, active: true, score: 1) == .open)
    }

    @Test func minDurationDelaysTheOpening() {
        var t = AlertTracker(policy: AlertPolicy(minDuration: 3))
        #expect(t.step(at: 0, active: true, score: 1) == nil)
        #expect(t.step(at: 2, active: true, score: 1) == nil)
        #expect(t.step(at: 2.5, active: false, score: 0) == nil)  // interrupted: starts over
        #expect(t.step(at: 3, active: true, score: 1) == nil)
        #expect(t.step(at: 6, active: true, score: 1) == .open)
    }

    @Test func clearNeedsBothTimeAndSamples() {
        // 5-minute samples: clear_after of 5 s passes at once, but 3 samples must be clear.
        var t = AlertTracker(policy: AlertPolicy(clearAfter: 5, clearSamples: 3))
        #expect(t.step(at: 0, active: true, score: 1) == .open)
        #expect(t.step(at: 300, active: false, score: 0) == nil)
        #expect(t.step(at: 600, active: false, score: 0) == nil)
        #expect(t.step(at: 900, active: false, score: 0) == .close)
    }
}

struct SimpleDetectorTests {
    @Test func rangeWithDeadband() {
        let r = RangeDetector(.init(min: 0, max: 100, deadband: 5))
        #expect(!r.update(100, isOpen: false).active)
        #expect(r.update(101, isOpen: false).active && r.update(101, isOpen: false).expected == 100)
        #expect(r.update(97, isOpen: true).active)  // still within the deadband of an open alert
        #expect(!r.update(94, isOpen: true).active)
        #expect(r.update(-1, isOpen: false).score == 1 && r.update(-1, isOpen: false).expected == 0)
    }

    @Test func rateIsPerSecond() {
        var r = RateDetector(.init(maxPerSecond: 10))
        #expect(!r.update(0, at: 0).active)
        #expect(!r.update(5, at: 1).active)
        let v = r.update(8, at: 1.1)  // 3 in 0.1 s = 30/s
        #expect(v.active && abs(v.score - 30) < 1e-9)
    }

    @Test func flatlineOnlyOnASignalThatNormallyMoves() {
        var moving = FlatlineDetector(.init(epsilon: 0.01, forSamples: 20))
        for i in 0..<200 { _ = moving.update(Double(i % 7), at: Double(i)) }
        var fired = -1
        for i in 0..<40 where moving.update(99, at: Double(200 + i)).active && fired < 0 { fired = i }
        #expect(fired == 20, "fires at the 20th repeat of the value (the 21st sample at 99)")

        var constant = FlatlineDetector(.init(epsilon: 0.01, forSamples: 20))
        var any = false
        for i in 0..<300 { any = any || constant.update(5, at: Double(i)).active }
        #expect(!any, "a signal that never moves is not a flatline")
    }

    @Test func sortedWindowQuantiles() {
        let w = SortedWindow(capacity: 5)
        for x in [5.0, 1, 4, 2, 3] { w.add(x) }
        #expect(w.median == 3 && w.quantile(0) == 1 && w.quantile(1) == 5)
        w.add(10)  // evicts 5
        #expect(w.quantile(1) == 10 && w.median == 3)
        w.add(0)  // evicts 1
        #expect(w.quantile(0) == 0 && w.median == 3)
        for x in [7.0, 7, 7, 7, 7] { w.add(x) }
        #expect(w.quantile(0) == 7 && w.quantile(1) == 7)
    }
}
