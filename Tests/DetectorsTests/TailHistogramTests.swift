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
    /// normal tail), so a value one step above the largest seen is not infinitely surprising.
    @Test func tiesAtTheTopDoNotMakeTheNextStepInfinitelySurprising() {
        let p = StatisticalParameters()
        let calibration = TailHistogram(parameters: p, memory: 16384, minBeta: p.calibrationMinBeta,
                                        gaussianVariance: 1)
        var numbers = TestNumbers(state: 5)
        for _ in 0..<20_000 { _ = calibration.update((numbers.next() * 4).rounded(.down)) }
        let s = calibration.update(4)
        #expect(s < 20, "one count above the largest: surprise \(s)")
        #expect(calibration.update(30) > 50, "far above: \(calibration.update(30))")
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

    /// The history forgets over its memory: after the statistic's distribution widens, its old tail stops
    /// counting within a few memories.
    @Test func theHistoryForgetsOverItsMemory() {
        let p = StatisticalParameters()
        let calibration = TailHistogram(parameters: p, memory: 2000, gaussianVariance: 1)
        var numbers = TestNumbers(state: 3)
        for _ in 0..<10_000 { _ = calibration.update(-log(1 - numbers.next())) }
        let before = calibration.update(12)
        for _ in 0..<10_000 { _ = calibration.update(-3 * log(1 - numbers.next())) }
        let after = calibration.update(12)
        #expect(before > 8 && after < 6, "surprise of 12: \(before) on the narrow history, \(after) on the wide one")
    }
}
