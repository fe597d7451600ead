import Detectors
import Testing

/// The 4-byte sample ring: offsets from the first finite sample keep the precision a detector needs where a
/// plain `Float` would not, and failed reads stay NaN.
struct SampleRingTests {
    @Test func keepsTheNewestSamplesInFourBytesEach() {
        let ring = SampleRing(capacity: 3)
        #expect(ring.count == 0 && ring.last == nil)
        for x in [1.0, 2, 3, 4, 5] { ring.push(x) }
        #expect(ring.count == 3 && ring.capacity == 3 && ring.pushed == 5)
        #expect([ring[age: 0], ring[age: 1], ring[age: 2]] == [5, 4, 3])
        #expect(SampleRing.storageBytes(capacity: 1024) == 4096)
    }

    @Test func smallMovesOnALargeReadingSurvive() {
        // 1,000,000.25 moving by hundredths: a Float rounds these to 1/16; offsets keep them.
        let ring = SampleRing(capacity: 8)
        let values = [1_000_000.25, 1_000_000.26, 1_000_000.27, 1_000_000.24]
        for x in values { ring.push(x) }
        for (age, x) in values.reversed().enumerated() {
            #expect(abs(ring[age: age] - x) < 1e-6, "age \(age): \(ring[age: age]) vs \(x)")
        }
        #expect(Double(Float(1_000_000.26)) != 1_000_000.26)
    }

    @Test func failedReadsStayNaNAndDoNotSetTheOrigin() {
        let ring = SampleRing(capacity: 4)
        ring.push(.nan)
        ring.push(42.5)
        ring.push(.nan)
        ring.push(43)
        #expect(ring[age: 3].isNaN && ring[age: 1].isNaN)
        #expect(ring[age: 2] == 42.5 && ring[age: 0] == 43)
        #expect(ring.origin == 42.5)
    }

    @Test func sortedWindowKeepsOrderAndPrecisionAroundALargeOffset() {
        let window = SortedWindow(capacity: 5)
        for x in [5_000_000.03, 5_000_000.01, 5_000_000.05, 5_000_000.02, 5_000_000.04] { window.add(x) }
        #expect(abs(window.median - 5_000_000.03) < 1e-6)
        #expect(abs(window.quantile(0) - 5_000_000.01) < 1e-6 && abs(window.quantile(1) - 5_000_000.05) < 1e-6)
        #expect(abs(window.meanAbsoluteDeviation(from: 5_000_000.03) - 0.012) < 1e-6)
    }
}
