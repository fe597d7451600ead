/// The typical sampling interval: the median of the last 15 positive timestamp differences (seconds). Zero and
/// negative differences (duplicated timestamps, a clock stepping back) are ignored. 264 bytes: a statistical core
/// keeps one only when its channel declares a period (in seconds, converted to samples with it).
public final class IntervalEstimator: @unchecked Sendable {
    private var fifo = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    private var sorted = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    private var head = 0
    private var count = 0
    private var last = Double.nan

    public init() {}

    /// Takes a timestamp; returns the current estimate (0 until there is one).
    public func update(_ t: Double) -> Double {
        if !self.last.isNaN && t > self.last {
            let d = t - self.last
            withUnsafeMutableBytes(of: &self.sorted) { sb in
                let sorted = sb.bindMemory(to: Double.self)
                withUnsafeMutableBytes(of: &self.fifo) { fb in
                    let fifo = fb.bindMemory(to: Double.self)
                    if self.count == 15 {
                        let old = fifo[self.head]
                        var i = 0
                        while sorted[i] != old { i += 1 }
                        while i < 14 {
                            sorted[i] = sorted[i + 1]
                            i += 1
                        }
                        self.count -= 1
                    }
                    var i = self.count
                    while i > 0 && sorted[i - 1] > d {
                        sorted[i] = sorted[i - 1]
                        i -= 1
                    }
                    sorted[i] = d
                    self.count += 1
                    fifo[self.head] = d
                    self.head = (self.head + 1) % 15
                }
            }
        }
        self.last = t
        guard self.count > 0 else { return 0 }
        return withUnsafeBytes(of: self.sorted) { $0.bindMemory(to: Double.self)[self.count / 2] }
    }
}
