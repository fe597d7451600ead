import Detectors
import Glibc
import Testing

/// The bank keeps its samples in the channel's ring (one copy), failed reads included as NaN so that ages stay
/// aligned with time: the seasonal baseline must skip them and still find the period and the spike.
struct SharedHistoryTests {
    @Test func theBankWritesIntoTheChannelRingIncludingFailedReads() {
        let ring = SampleRing(capacity: 64)
        let bank = DetectorBank(.default, window: 64, history: ring)
        #expect(bank.history === ring)
        bank.update(1, at: 0)
        bank.update(.nan, at: 0.1)
        bank.update(3, at: 0.2)
        #expect(ring.count == 3 && ring[age: 0] == 3 && ring[age: 1].isNaN && ring[age: 2] == 1)
        #expect(bank.samples == 2)
        // Too short a ring to serve the statistical detectors: the bank keeps its own.
        let short = SampleRing(capacity: 8)
        #expect(DetectorBank(.default, window: 8, history: short).history !== short)
    }

    @Test func aSeasonalSignalWithFailedReadsIsLearntAndItsSpikeFound() {
        let ring = SampleRing(capacity: 1024)
        let bank = DetectorBank(.default, window: 1024, history: ring)
        var state: UInt64 = 11
        var falseOpens = 0
        var spikeOpened = false
        for i in 0..<4000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            let noise = Double(Int(state >> 59)) / 32 - 0.25
            var x = 500 + 20 * sin(2 * Double.pi * Double(i) / 40) + noise
            if i % 9 == 4 { x = .nan }
            if i == 3600 { x += 15 }  // well inside the seasonal range: only the baseline can see it
            bank.update(x, at: Double(i) * 0.1)
            let opens = bank.events.filter { $0.transition == .open }
            if i < 3600 { falseOpens += opens.count }
            if i >= 3600 && i < 3603 && opens.contains(where: { $0.kind == .spike }) { spikeOpened = true }
        }
        #expect(falseOpens == 0)
        #expect(spikeOpened)
    }
}
