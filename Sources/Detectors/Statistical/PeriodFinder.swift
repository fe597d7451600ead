import Synchronization

/// Finds a signal's period online: the autocorrelation of the recent samples (FFT), its local maxima that are
/// high (`acfMin`) and prominent (`acfProminence`, which rejects trends), the best of them replaced by its
/// fundamental when it is a multiple of a shorter candidate; a period in use is kept while its autocorrelation
/// stays at least `acfKeep` (hysteresis).
///
/// The FFT work arrays are shared by all channels (one estimate at a time, every `window` samples per channel),
/// so they cost memory once per process, not per channel.
enum PeriodFinder {
    final class Scratch: @unchecked Sendable {
        var re: UnsafeMutableBufferPointer<Double> = .init(start: nil, count: 0)
        var im: UnsafeMutableBufferPointer<Double> = .init(start: nil, count: 0)
        var candidates: UnsafeMutableBufferPointer<Int> = .init(start: nil, count: 0)

        func ensure(_ n: Int) {
            guard self.re.count < n else { return }
            self.re.deallocate()
            self.im.deallocate()
            self.candidates.deallocate()
            self.re = .allocate(capacity: n)
            self.im = .allocate(capacity: n)
            self.candidates = .allocate(capacity: n / 2 + 2)
        }
    }

    static let shared = Mutex(Scratch())

    /// (period, autocorrelation at it) of the `count` values `value(0…count-1)` (oldest first); period 0 when
    /// there is none. `window` caps the lags at window/2.
    static func find(count n: Int, window: Int, current: Int, parameters p: StatisticalParameters,
                     value: (Int) -> Double) -> (Int, Double) {
        var maxLag = n / 2
        if maxLag > window / 2 { maxLag = window / 2 }
        guard maxLag >= p.periodMin + 2 else { return (0, 0) }
        var nfft = 1
        while nfft < 2 * n { nfft <<= 1 }
        return self.shared.withLock { scratch -> (Int, Double) in
            scratch.ensure(nfft)
            let re = scratch.re, im = scratch.im
            // Failed reads (NaN) count as the mean: no contribution to the autocovariance.
            var mean = 0.0
            var good = 0
            for j in 0..<n {
                let v = value(j)
                if !v.isNaN { mean += v; good += 1 }
            }
            guard good > 0 else { return (0, 0) }
            mean /= Double(good)
            for j in 0..<nfft {
                let v = j < n ? value(j) : .nan
                re[j] = v.isNaN ? 0 : v - mean
                im[j] = 0
            }
            FFT.transform(re, im, count: nfft, inverse: false)
            for i in 0..<nfft {
                re[i] = re[i] * re[i] + im[i] * im[i]
                im[i] = 0
            }
            FFT.transform(re, im, count: nfft, inverse: true)
            let c0 = re[0] / Double(n)
            guard c0 > 0 else { return (0, 0) }
            for lag in 0...maxLag { re[lag] = re[lag] / Double(n - lag) / c0 }
            let r = re
            if current > 0 && current < maxLag {
                let keep = max(r[current - 1], r[current], r[current + 1])
                if keep >= p.acfKeep { return (current, keep) }
            }
            var bestLag = 0, bestR = -1.0
            var runMin = r[1]
            var candidates = 0
            for lag in 2..<maxLag {
                if lag >= p.periodMin && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1] && r[lag] >= p.acfMin
                    && r[lag] - runMin >= p.acfProminence
                {
                    scratch.candidates[candidates] = lag
                    candidates += 1
                    if r[lag] > bestR {
                        bestLag = lag
                        bestR = r[lag]
                    }
                }
                if r[lag] < runMin { runMin = r[lag] }
            }
            guard bestLag > 0 else { return (0, 0) }
            var chosen = (bestLag, bestR)
            // The fundamental: the shortest candidate of which the best lag is (within 5 %) an integer multiple.
            for i in 0..<candidates {
                let lag = scratch.candidates[i]
                if lag >= bestLag { break }
                let ratio = Double(bestLag) / Double(lag)
                let k = Int(ratio + 0.5)
                if k >= 2 && abs(ratio - Double(k)) <= 0.05 * Double(k) && r[lag] >= 0.9 * bestR {
                    chosen = (lag, r[lag])
                    break
                }
            }
            // The autocorrelation's peak can sit one lag off the true period (a sine of period 50 peaks at 51):
            // keep, among the lags ±2 around it, the one whose cycles differ least (mean squared difference).
            var refined = chosen.0
            var smallest = Double.infinity
            for lag in max(p.periodMin, chosen.0 - 2)...min(maxLag, chosen.0 + 2) {
                var sum = 0.0
                var pairs = 0
                for i in lag..<n {
                    let d = value(i) - value(i - lag)
                    if !d.isNaN { sum += d * d; pairs += 1 }
                }
                let mean = pairs > 0 ? sum / Double(pairs) : .infinity
                if mean < smallest {
                    smallest = mean
                    refined = lag
                }
            }
            return (refined, r[refined])
        }
    }
}
