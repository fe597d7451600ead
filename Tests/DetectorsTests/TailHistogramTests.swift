@testable import Detectors
import Glibc
import Testing

/// The calibration of a statistic into a surprise −ln P(R ≥ r), from a decaying histogram of its own history.
struct TailHistogramTests {
    @Test func binsAreQuarterOctavesFromOneSixteenth() {
        #expect(TailHistogram.bin(0) == 0)
        #expect(TailHistogram.bin(0.06) == 0)
        for b in 1..<(TailHistogram.bins - 1) {
            let edge = TailHistogram.edge(b)
            #expect(TailHistogram.bin(edge * 1.0001) == b, "just above the edge of bin \(b)")
            #expect(TailHistogram.bin(edge * 0.9999) == b - 1, "just below the edge of bin \(b)")
        }
        #expect(TailHistogram.bin(1e9) == TailHistogram.bins - 1)
        #expect(TailHistogram.bin(.infinity) == TailHistogram.bins - 1)
    }

    /// On an exponential statistic (|z| of Laplace noise), the surprise is calibrated: a sample reaches surprise k
    /// with a probability close to e^−k, from the body (k = 2) to beyond the fitted tail (k = 8).
    @Test func theSurpriseOfAnExponentialStatisticIsItsTailProbability() {
        let p = StatisticalParameters()
        let calibration = TailHistogram(parameters: p, memory: 16384, gaussianVariance: 1)
        var numbers = TestNumbers(state: 11)
        for _ in 0..<50_000 { _ = calibration.update(-log(1 - numbers.next())) }
        let n = 400_000
        var above = [Int](repeating: 0, count: 9)
        for _ in 0..<n {
            let s = calibration.update(-log(1 - numbers.next()))
            for k in 2...8 where s >= Double(k) { above[k] += 1 }
        }
        for k in 2...8 {
            let rate = Double(above[k]) / Double(n)
            let expected = exp(-Double(k))
            #expect(rate > expected / 2 && rate < expected * 2, "surprise ≥ \(k): \(rate), expected \(expected)")
        }
    }

    /// Integer-valued statistics tie at the top of their history; the tail's width is floored (never lighter than a
    /// normal tail), so a value one step above the largest seen is not infinitely surprising. The largest value, 4,
    /// sits on a bin's lower edge: without the floors the tail would have no width at all there.
    @Test func tiesAtTheTopDoNotMakeTheNextStepInfinitelySurprising() {
        let p = StatisticalParameters()
        #expect(TailHistogram.edge(TailHistogram.bin(4)) == 4)
        let floored = TailHistogram(parameters: p, memory: 16384, minBeta: p.calibrationMinBeta, gaussianVariance: 1)
        let bare = TailHistogram(parameters: p, memory: 16384)
        var numbers = TestNumbers(state: 5)
        for _ in 0..<20_000 {
            let r = (numbers.next() * 5).rounded(.down)
            _ = floored.update(r)
            _ = bare.update(r)
        }
        let step = floored.update(5)
        #expect(step < 20, "one count above the largest: surprise \(step)")
        #expect(bare.update(5) > 100, "without the floors the next count would look all but impossible")
        #expect(floored.update(30) > 50, "far above is still surprising")
    }

    /// With declustering, an excursion above the tail joins the history as one value, its maximum: a statistic that
    /// stays high for a long time (a level off for minutes) does not make its own next samples unsurprising.
    @Test func anExcursionCountsOnceWhenDeclustered() {
        let p = StatisticalParameters()
        var numbers = TestNumbers(state: 7)
        let plain = TailHistogram(parameters: p, memory: 16384)
        let declustered = TailHistogram(parameters: p, memory: 16384, decluster: true)
        for _ in 0..<5000 {
            let r = -log(1 - numbers.next())
            _ = plain.update(r)
            _ = declustered.update(r)
        }
        var lastPlain = 0.0, lastDeclustered = 0.0
        for _ in 0..<500 {
            lastPlain = plain.update(15)
            lastDeclustered = declustered.update(15)
        }
        #expect(lastDeclustered > 10, "still surprising: \(lastDeclustered)")
        #expect(lastPlain < lastDeclustered, "the plain history learnt the excursion: \(lastPlain)")
    }

    /// The history forgets over its memory: after the statistic's distribution narrows, a value that the wide
    /// history found ordinary becomes surprising again within a few memories.
    @Test func theHistoryForgetsOverItsMemory() {
        let p = StatisticalParameters()
        let calibration = TailHistogram(parameters: p, memory: 2000, gaussianVariance: 1)
        var numbers = TestNumbers(state: 3)
        for _ in 0..<10_000 { _ = calibration.update(-4 * log(1 - numbers.next())) }
        let before = calibration.update(12)
        for _ in 0..<10_000 { _ = calibration.update(-log(1 - numbers.next())) }
        let after = calibration.update(12)
        #expect(before < 5 && after > 8, "surprise of 12: \(before) on the wide history, \(after) once it is narrow")
    }
}
