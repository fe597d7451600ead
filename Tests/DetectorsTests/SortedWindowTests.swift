@testable import Detectors
import Testing

/// The sorted window against the textbook one: the last N values, sorted for every query.
struct SortedWindowTests {
    static let signals: [(String, @Sendable (Int, inout TestNumbers) -> Double)] = [
        ("continuous", { _, g in 100 + 10 * g.next() }),
        ("integer noise, many ties", { _, g in 1000 + (g.next() * 9).rounded(.down) - 4 }),
        ("rising", { i, g in Double(i) + g.next() }),
        ("falling, negative", { i, g in -Double(i) * 0.5 - g.next() }),
        ("two levels", { i, _ in i % 7 < 3 ? 1 : 2 }),
        ("infinities among values", { i, g in i % 97 == 5 ? .infinity : (i % 89 == 3 ? -.infinity : g.next()) }),
    ]

    /// Every quantile, at every sample, for windows of 1, 5, 128 (1-byte stamps) and 300 (2-byte stamps), equals the
    /// same quantile of the last N values sorted afresh (within the `Float` offsets' rounding).
    @Test(arguments: [1, 5, 128, 300])
    func quantilesEqualThoseOfTheLastValuesSorted(capacity: Int) {
        for (name, signal) in Self.signals {
            let window = SortedWindow(capacity: capacity)
            var last: [Double] = []
            var numbers = TestNumbers(state: 7)
            var origin = Double.nan
            var mismatches = 0
            for i in 0..<2000 {
                let x = signal(i, &numbers)
                window.add(x)
                if origin.isNaN { origin = x }
                // What the window stores: the value as a Float offset from the first one.
                last.append(Double(Float(x - origin)))
                if last.count > capacity { last.removeFirst() }
                let sorted = last.sorted()
                for q in [0, 0.25, 0.5, 0.75, 1] {
                    let position = q * Double(sorted.count - 1)
                    let lower = Int(position)
                    let upper = min(lower + 1, sorted.count - 1)
                    let a = sorted[lower], b = sorted[upper]
                    let expected = origin + a + (b - a) * (position - Double(lower))
                    let got = window.quantile(q)
                    if !(got == expected || (got.isNaN && expected.isNaN)) {
                        mismatches += 1
                        if mismatches == 1 {
                            Issue.record("\(name), capacity \(capacity): sample \(i), q \(q): \(got) against \(expected)")
                        }
                    }
                }
                // The spike model's three at once: the same bits as one at a time.
                let (lower, median, upper) = window.quartiles()
                let each = (window.quantile(0.25), window.quantile(0.5), window.quantile(0.75))
                if lower.bitPattern != each.0.bitPattern || median.bitPattern != each.1.bitPattern
                    || upper.bitPattern != each.2.bitPattern
                {
                    mismatches += 1
                    Issue.record("\(name), capacity \(capacity): sample \(i): quartiles \((lower, median, upper)) against \(each)")
                }
            }
            #expect(window.count == min(capacity, 2000))
            #expect(mismatches == 0, "\(name), capacity \(capacity)")
        }
    }
}
