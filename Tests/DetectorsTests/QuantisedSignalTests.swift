import Detectors
import Testing

/// Register values are integers: a sensor whose noise is a few counts gives a statistic with ties at the top of
/// its history. The default bank must stay quiet on such a signal (it used to raise a spike now and then, each time
/// the moving median and IQR made a count of noise a new largest |z|).
struct QuantisedSignalTests {
    @Test(arguments: [12345 as UInt64, 7, 99, 2024])
    func eightLevelsOfNoiseRaiseNothing(_ seed: UInt64) {
        let bank = DetectorBank(.default, window: 1024)
        var state = seed
        var opens = 0
        for i in 0..<20_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            bank.update(Double(996 + Int(state >> 61)), at: Double(i) * 0.05)
            opens += bank.events.filter { $0.transition == .open }.count
        }
        #expect(opens == 0)
    }

    @Test func aRealSpikeOnAQuantisedSignalStillAlerts() {
        let bank = DetectorBank(.default, window: 1024)
        var state: UInt64 = 5
        var spikeOpened = false
        for i in 0..<3000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1
            let x = i == 2500 ? 1030.0 : Double(996 + Int(state >> 61))
            bank.update(x, at: Double(i) * 0.05)
            if i >= 2500 && i < 2503 && bank.events.contains(where: { $0.kind == .spike && $0.transition == .open }) {
                spikeOpened = true
            }
        }
        #expect(spikeOpened)
    }
}
