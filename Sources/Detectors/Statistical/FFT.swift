import Glibc

/// In-place radix-2 complex FFT (unnormalised both ways), as the reference implementation computes it: bit
/// reversal, then butterflies whose twiddles advance by complex multiplication within each block.
enum FFT {
    static func transform(_ re: UnsafeMutableBufferPointer<Double>, _ im: UnsafeMutableBufferPointer<Double>, count n: Int,
                          inverse: Bool) {
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 {
                j ^= bit
                bit >>= 1
            }
            j ^= bit
            if i < j {
                re.swapAt(i, j)
                im.swapAt(i, j)
            }
        }
        var length = 2
        let sign = inverse ? 1.0 : -1.0
        while length <= n {
            let angle = sign * 2 * Double.pi / Double(length)
            let wr = cos(angle), wi = sin(angle)
            let half = length >> 1
            var start = 0
            while start < n {
                var cr = 1.0, ci = 0.0
                for k in 0..<half {
                    let a = start + k
                    let b = a + half
                    let tr = re[b] * cr - im[b] * ci
                    let ti = re[b] * ci + im[b] * cr
                    re[b] = re[a] - tr
                    im[b] = im[a] - ti
                    re[a] += tr
                    im[a] += ti
                    let ncr = cr * wr - ci * wi
                    ci = cr * wi + ci * wr
                    cr = ncr
                }
                start += length
            }
            length <<= 1
        }
    }
}
