/// The typical sampling interval: the median of the last 15 positive timestamp differences (seconds, in single
/// precision). Zero and negative differences (duplicated timestamps, a clock stepping back) are ignored. 136 bytes:
/// every statistical core keeps one (its time-based settings and a declared period are converted to samples with
/// it).
public final class IntervalEstimator: @unchecked Sendable {
    private var fifo: (Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var sorted: (Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float, Float)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var head: Int32 = 0
    private var count: Int32 = 0
    private var last = Double.nan

    public init() {}

    /// Takes a timestamp; returns the current estimate (0 until there is one).
    public func update(_ t: Double) -> Double {
        let last = self.last
        self.last = t
        return last.isNaN ? self.estimate : self.add(difference: t - last)
    }

    /// The current estimate (0 until there is one).
    public var estimate: Double {
        guard self.count > 0 else { return 0 }
        return withUnsafeBytes(of: self.sorted) { Double($0.bindMemory(to: Float.self)[Int(self.count / 2)]) }
    }

    /// Takes the difference between two consecutive timestamps (ignored unless positive); returns the estimate.
    public func add(difference interval: Double) -> Double {
        let d = Float(interval)
        if d > 0 && d.isFinite {
            withUnsafeMutableBytes(of: &self.sorted) { sb in
                let sorted = sb.bindMemory(to: Float.self)
                withUnsafeMutableBytes(of: &self.fifo) { fb in
                    let fifo = fb.bindMemory(to: Float.self)
                    if self.count == 15 {
                        let old = fifo[Int(self.head)]
                        var i = 0
                        while sorted[i] != old { i += 1 }
                        while i < 14 {
                            sorted[i] = sorted[i + 1]
                            i += 1
                        }
                        self.count -= 1
                    }
                    var i = Int(self.count)
                    while i > 0 && sorted[i - 1] > d {
                        sorted[i] = sorted[i - 1]
                        i -= 1
                    }
                    sorted[i] = d
                    self.count += 1
                    fifo[Int(self.head)] = d
                    self.head = (self.head + 1) % 15
                }
            }
        }
        return self.estimate
    }
}
