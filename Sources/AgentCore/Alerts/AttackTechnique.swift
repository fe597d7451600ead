/// A MITRE ATT&CK for ICS technique an alert is evidence of (`"attack":[{"t":"T0836","name":"Modify Parameter"}]`).
struct AttackTechnique: Sendable, Hashable {
    var id: String
    var name: String

    static let modifyParameter = AttackTechnique(id: "T0836", name: "Modify Parameter")
    static let modifyAlarmSettings = AttackTechnique(id: "T0838", name: "Modify Alarm Settings")
    static let programDownload = AttackTechnique(id: "T0843", name: "Program Download")
    static let systemFirmware = AttackTechnique(id: "T1693", name: "System/Module Firmware")
    static let adversaryInTheMiddle = AttackTechnique(id: "T0830", name: "Adversary-in-the-Middle")
    static let changeOperatingMode = AttackTechnique(id: "T0858", name: "Change Operating Mode")
    static let denialOfService = AttackTechnique(id: "T0814", name: "Denial of Service")
    static let lossOfAvailability = AttackTechnique(id: "T0826", name: "Loss of Availability")
    static let spoofReportingMessage = AttackTechnique(id: "T1692.002", name: "Spoof Reporting Message")
}
