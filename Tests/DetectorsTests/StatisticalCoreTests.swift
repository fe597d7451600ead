@testable import Detectors
import Testing

/// The statistical core on synthetic signals with known answers.
struct StatisticalCoreTests {
    /// A sine of period 50 samples with small deterministic noise.
    func signal(_ i: Int) -> Double {
        var z = UInt64(i) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 31)) &* 0xBF58_476D_1CE4_E5B9
        let noise = Double(z >> 11) * 0x1p-53 - 0.5
        return 100 + 10 * _sinDegrees(Double(i % 50) * 7.2) + 0.3 * noise
    }

    func _sinDegrees(_ d: Double) -> Double {
        // sin via a short series is enough here; avoids Foundation in the module under test's tests.
        let x = d * Double.pi / 180
        var term = x, sum = x
        for k in 1..<12 {
            term *= -x * x / Double((2 * k) * (2 * k + 1))
            sum += term
        }
        return sum
    }

    @Test func findsThePeriodOnline() {
        let core = StatisticalCore(window: 1024, parameters: StatisticalParameters())
        for i in 0..<700 { _ = core.update(self.signal(i), at: Double(i)) }
        #expect(core.seasonal.period == 50)
    }

    @Test func usesADeclaredPeriod() {
        // 1 s sampling; the channel declares a period of 50 s.
        let core = StatisticalCore(window: 1024, parameters: StatisticalParameters(), declaredPeriod: 50)
        for i in 0..<40 { _ = core.update(self.signal(i), at: Double(i)) }
        #expect(core.seasonal.period == 50)
    }

    @Test func aSpikeOnTheSeasonalSignalStandsOutAndIsNotLearnt() {
        let core = StatisticalCore(window: 1024, parameters: StatisticalParameters())
        var quiet = 0.0
        for i in 0..<1500 { quiet = max(quiet, i > 800 ? core.update(self.signal(i), at: Double(i)).score : 0) }
        let spike = core.update(self.signal(1500) + 8, at: 1500)
        #expect(spike.score > 0.9, "score \(spike.score)")
        #expect(abs(spike.expected - self.signal(1500)) < 1)
        #expect(quiet < 0.5, "the clean signal stays below the alert threshold: \(quiet)")
        let after = core.update(self.signal(1501), at: 1501)
        #expect(after.score < 0.5)
    }

    /// Infinite samples on a channel with a period: their residuals are infinite, and once the prediction is
    /// infinite too, ∞ − ∞ is NaN. Neither may enter the spike window (a NaN has no rank there and would leave it out
    /// of order) or the deviation (∞, then NaN for good); after the infinities the window is ordered and NaN-free,
    /// and z is finite again.
    @Test func infiniteSamplesDoNotPutANaNResidualInTheSpikeWindow() {
        let core = StatisticalCore(window: 1024, parameters: StatisticalParameters(), declaredPeriod: 50)
        var i = 0
        for _ in 0..<300 { _ = core.update(self.signal(i), at: Double(i)); i += 1 }
        #expect(core.seasonal.period == 50)
        for _ in 0..<200 { _ = core.update(.infinity, at: Double(i)); i += 1 }
        var last = core.update(self.signal(i), at: Double(i))
        for _ in 0..<400 { i += 1; last = core.update(self.signal(i), at: Double(i)) }
        let window = core.spike.window
        var ordered = true
        for rank in 0..<window.count {
            let v = window.value(rank: rank)
            if v.isNaN || (rank > 0 && v < window.value(rank: rank - 1)) { ordered = false }
        }
        #expect(ordered, "the spike window holds a NaN or is out of order")
        #expect(!core.spike.mad.isNaN)
        #expect(last.z.isFinite, "z \(last.z)")
    }

    @Test func aLevelShiftRaisesTheShiftSurprise() {
        let core = StatisticalCore(window: 1024, parameters: StatisticalParameters())
        for i in 0..<1200 { _ = core.update(self.signal(i), at: Double(i)) }
        var highest = 0.0
        for i in 1200..<1230 { highest = max(highest, core.update(self.signal(i) + 1.5, at: Double(i)).shiftSurprise) }
        #expect(highest >= core.alarmSurprise, "shift surprise \(highest) below the alarm level \(core.alarmSurprise)")
    }
}
