@testable import Detectors
import Glibc
import Testing

/// The tail calibrator keeps only the window's K-skyband instead of its history: its surprises must be those of a
/// calibrator that keeps the whole history and sorts it at every sample, bit for bit.
struct TailCalibratorTests {
    /// The textbook calibrator: the last H values, sorted at every sample.
    struct Reference {
        let p: StatisticalParameters
        let decluster: Bool
        let minBeta: Double
        var history: [Float] = []
        var inExcursion = false
        var excursionMax = 0.0
        var q = 0.0
        var fitted = false

        mutating func update(_ r: Double) -> Double {
            let n = self.history.count
            var s = 0.0
            if n >= self.p.warmup {
                let top = self.history.sorted(by: >)
                let nt = max(self.p.calibrationMinTail, Int(self.p.calibrationAlpha * Double(n)))
                let q = Double(top[nt])
                var sum = 0.0
                for j in 0..<nt { sum += Double(top[j]) }
                let beta = max(sum / Double(nt) - q, max(1e-12 * (abs(q) + 1e-300), self.minBeta))
                let la = log((Double(n) + 1) / Double(nt))
                self.q = q
                self.fitted = true
                if r > q {
                    s = min(StatisticalParameters.surpriseCap, la + (r - q) / beta)
                } else if q > 0 && r > 0 {
                    s = la * r / q
                }
            }
            if self.decluster && self.fitted {
                if r > self.q {
                    if !self.inExcursion || r > self.excursionMax { self.excursionMax = r }
                    self.inExcursion = true
                    return s
                }
                if self.inExcursion {
                    self.inExcursion = false
                    self.push(self.excursionMax)
                }
            }
            self.push(r)
            return s
        }

        mutating func push(_ r: Double) {
            self.history.append(Float(r))
            if self.history.count > self.p.calibrationHistory { self.history.removeFirst() }
        }
    }

    static let signals: [(String, @Sendable (Int, inout TestNumbers) -> Double)] = [
        ("exponential noise", { _, g in -log(1 - g.next()) }),
        ("quantised, many ties", { _, g in (g.next() * 6).rounded(.down) }),
        ("bursts", { i, g in (i % 700 > 650 ? 8 : 1) * -log(1 - g.next()) }),
        ("slow falls (a relaxing CUSUM)", { i, g in Double(300 - i % 300) * 0.05 + 0.1 * g.next() }),
        ("falls longer than the skyband", { i, g in Double(2000 - i % 2000) * 0.01 + 0.001 * g.next() }),
    ]

    @Test(arguments: [false, true])
    func surprisesEqualThoseOfTheFullHistory(decluster: Bool) {
        let p = StatisticalParameters()
        for (name, signal) in Self.signals {
            let calibrator = TailCalibrator(parameters: p, decluster: decluster, minBeta: 0.1)
            var reference = Reference(p: p, decluster: decluster, minBeta: 0.1)
            var numbers = TestNumbers(state: 42)
            var largest = 0
            var mismatches = 0
            for i in 0..<4000 {
                let r = signal(i, &numbers)
                let (a, b) = (calibrator.update(r), reference.update(r))
                if a != b {
                    mismatches += 1
                    if mismatches == 1 && !name.hasPrefix("falls longer") {
                        Issue.record("\(name): sample \(i): \(a) against \(b)")
                    }
                }
                largest = max(largest, calibrator.skybandSize)
            }
            #expect(largest <= TailCalibrator.skybandCapacity, "\(name)")
            if name.hasPrefix("falls longer") {
                // Each value is below all the recent ones: the skyband fills, its smallest values leave early, and
                // the fit is approximate for a while. Still bounded, and never NaN.
                #expect(largest == TailCalibrator.skybandCapacity)
            } else {
                #expect(mismatches == 0, "\(name): \(mismatches) of 4000 surprises differ")
            }
        }
    }

    @Test func aFallLongerThanTheSkybandStaysFiniteAndRecovers() {
        let p = StatisticalParameters()
        let calibrator = TailCalibrator(parameters: p)
        var reference = Reference(p: p, decluster: false, minBeta: 0)
        var numbers = TestNumbers(state: 7)
        for i in 0..<3000 {
            let r = Double(3000 - i) * 0.01
            #expect(calibrator.update(r).isFinite)
            _ = reference.update(r)
        }
        // Noise again: once the window holds only noise, the two agree again.
        var last = (0.0, 0.0)
        for _ in 0..<600 {
            let r = -log(1 - numbers.next())
            last = (calibrator.update(r), reference.update(r))
        }
        #expect(last.0 == last.1)
    }
}
