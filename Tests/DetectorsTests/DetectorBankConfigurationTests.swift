import Detectors
import Testing

/// The configuration keeps its settings in a box shared by copies: a change must stay with the copy it was made on.
struct DetectorBankConfigurationTests {
    @Test func aChangeStaysWithItsCopy() {
        let original = DetectorBankConfiguration.default
        var changed = original
        changed.period = 60
        changed.spike = nil
        #expect(original.period == nil)
        #expect(original.spike != nil)
        #expect(changed.period == 60)
        #expect(changed.spike == nil)
        #expect(original == DetectorBankConfiguration.default)
        #expect(changed != original)
    }

    @Test func equalSettingsAreEqualAndHashAlike() {
        var a = DetectorBankConfiguration.none
        a.period = 30
        var b = DetectorBankConfiguration()
        b.period = 30
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(DetectorBankConfiguration.default.kinds == [.spike, .shift, .flatline, .score])
    }
}
