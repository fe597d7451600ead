/// The settings of a ``DetectorBankConfiguration``, kept in its shared box.
struct DetectorBankSettings: Sendable, Hashable {
    var range: DetectorSetting<RangeDetector.Parameters>?
    var rate: DetectorSetting<RateDetector.Parameters>?
    var spike: DetectorSetting<SpikeDetector.Parameters>?
    var shift: DetectorSetting<ShiftDetector.Parameters>?
    var flatline: DetectorSetting<FlatlineDetector.Parameters>?
    var score: DetectorSetting<ScoreDetector.Parameters>?
    var spoof: DetectorSetting<SpoofDetector.Parameters>?
    var period: Double?
}
