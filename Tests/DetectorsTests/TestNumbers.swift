/// Deterministic uniform numbers in [0, 1) for the detectors' reference tests (a 64-bit LCG, top 53 bits).
struct TestNumbers {
    var state: UInt64

    mutating func next() -> Double {
        self.state = self.state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(self.state >> 11) * 0x1p-53
    }
}
