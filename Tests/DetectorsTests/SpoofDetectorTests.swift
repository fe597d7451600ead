import Detectors
import Testing

/// The spoof detector on synthetic streams: silent on a live noisy signal, fires on a frozen value and on a
/// replayed stretch, and does not take a quantised, slowly moving signal for a replay.
struct SpoofDetectorTests {
    struct LCG {
        var state: UInt64
        mutating func next() -> Double {
            self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(self.state >> 11) / Double(1 << 53)
        }
    }

    @Test func liveSignalIsQuietFrozenAndReplayedAreNot() {
        let d = SpoofDetector(.init(window: 16, frozen: 20, minChanges: 8), history: 1024)
        var rng = LCG(state: 7)
        var history: [Double] = []
        for _ in 0..<600 {
            let x = 1000 + (rng.next() * 100).rounded()
            history.append(x)
            #expect(!d.update(x).active)
        }
        // Frozen: active from the 20th repeat on.
        var firstFrozen: Int?
        for i in 1...40 where d.update(history.last!).active && firstFrozen == nil { firstFrozen = i }
        #expect(firstFrozen == 20)
        for _ in 0..<50 { _ = d.update(1000 + (rng.next() * 100).rounded()) }
        // Replay of samples 100..<140: active once a full window of 16 has been replayed.
        var firstReplay: Int?
        var lag = 0.0
        for (i, x) in history[100..<140].enumerated() {
            let v = d.update(x)
            if v.active && firstReplay == nil {
                firstReplay = i + 1
                lag = v.score
            }
        }
        #expect(firstReplay == 16)
        #expect(lag > 16)
    }

    @Test func quantisedSlowSignalIsNotAReplay() {
        // A temperature in 0.1 steps that wanders slowly: exact repeats of windows happen, but with few changes.
        let d = SpoofDetector(.init(), history: 2048)
        var rng = LCG(state: 3)
        var x = 20.0
        var fired = 0
        for _ in 0..<5000 {
            if rng.next() < 0.2 { x += rng.next() < 0.5 ? -0.1 : 0.1 }
            if d.update((x * 10).rounded() / 10).active { fired += 1 }
        }
        #expect(fired == 0)
    }
}
