import Detectors
import Testing

struct RingBufferTests {
    @Test func keepsTheNewestCapacityElements() {
        let ring = RingBuffer<Double>(capacity: 3, initial: .nan)
        #expect(ring.count == 0 && ring.last == nil)
        for x in [1.0, 2, 3, 4, 5] { ring.push(x) }
        #expect(ring.count == 3 && ring.capacity == 3 && ring.pushed == 5)
        #expect([ring[age: 0], ring[age: 1], ring[age: 2]] == [5, 4, 3])
        #expect(ring.last == 5)
    }

    @Test func storageIsSizedOnce() {
        #expect(RingBuffer<Double>.storageBytes(capacity: 1024) == 8192)
        #expect(RingBuffer<Int64>.storageBytes(capacity: 600) == 4800)
    }
}

struct RunningSummaryTests {
    @Test func matchesTheTextbookFormulas() {
        var s = RunningSummary()
        let xs = [3.0, 5, 4, 7, 10, 12]
        for x in xs { s.add(x) }
        let mean = xs.reduce(0, +) / 6
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
        #expect(s.count == 6 && s.min == 3 && s.max == 12 && s.last == 12)
        #expect(abs(s.mean - mean) < 1e-12)
        #expect(abs(s.standardDeviation - variance.squareRoot()) < 1e-12)
    }

    @Test func ignoresNaNAndResets() {
        var s = RunningSummary()
        s.add(.nan)
        #expect(s.count == 0 && s.standardDeviation.isNaN)
        s.add(2)
        s.add(.nan)
        #expect(s.count == 1 && s.standardDeviation == 0 && s.last == 2)
        s.reset()
        #expect(s.count == 0)
    }
}
