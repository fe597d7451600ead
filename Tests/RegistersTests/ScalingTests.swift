import Registers
import Testing

struct ScalingTests {
    @Test func decimalScalesGiveDecimalValues() {
        #expect(Scaling(scale: 0.1, offset: 0).apply(484) == 48.4)
        #expect(Scaling(scale: 0.01, offset: 0).apply(25003) == 250.03)
        #expect(Scaling(scale: 0.001, offset: 0).apply(50005) == 50.005)
    }

    @Test func offsetAndGeneralScale() {
        #expect(Scaling(scale: 2.5, offset: -40).apply(100) == 210)
        #expect(Scaling(scale: 0.1, offset: -273.15).apply(2981.5) == 298.15 - 273.15 + 0.0)
    }

    @Test(arguments: [0.1, 0.01, 2.5, -1.0, 1.0, 0.3])
    func invertIsTheInverse(_ scale: Double) {
        let s = Scaling(scale: scale, offset: 7)
        let value = 123.4
        #expect(abs(s.apply(s.invert(value)) - value) < 1e-9)
    }
}
