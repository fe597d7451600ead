import BoardFile
import Detectors

/// Everything an alert payload says, whatever raised it: a channel's detector bank, a parameter watch, the
/// identity check or the link watch. Built only when an alert event happens (never per sample).
struct AlertRecord: Sendable {
    var transition: AlertTransition
    var severity: Severity
    /// `rule.id`: the detector or integrity rule, also the last level of the alert's topic.
    var rule: String
    /// `rule.type`: threshold, statistical, integrity or availability.
    var ruleType: String
    /// nil for device-level alerts (identity, mode, link).
    var channel: String?
    var value: Double = .nan
    var score: Double = .nan
    var expected: Double = .nan
    var unit: String = ""
    /// Text values of a string channel (from, to), and changed identity fields.
    var changes: [(field: String, from: String, to: String)] = []
    /// Extra evidence (`ev.metric`).
    var metric: String?
    var message: String
    var attack: [AttackTechnique] = []
    /// When the sample that raised the event was read (Unix milliseconds); nil: when it is published.
    var sampleTime: Int64?

    /// The record of a detector bank event.
    init(_ event: AlertEvent, channel: String, unit: String) {
        self.transition = event.transition
        self.severity = event.severity
        self.rule = event.kind.rawValue
        self.ruleType = event.kind.ruleType
        self.channel = channel
        self.value = event.value
        self.score = event.verdict.score
        self.expected = event.verdict.expected
        self.unit = unit
        self.message = AlertWording.sentence(event, channel: channel, unit: unit)
        self.attack = event.kind == .spoof ? [.spoofReportingMessage] : []
    }

    init(transition: AlertTransition, severity: Severity, rule: String, ruleType: String, channel: String?,
         message: String, attack: [AttackTechnique]) {
        self.transition = transition
        self.severity = severity
        self.rule = rule
        self.ruleType = ruleType
        self.channel = channel
        self.message = message
        self.attack = attack
    }

    /// The techniques a change of a channel with `role` is evidence of, and its default severity.
    static func techniques(of role: ChannelRole) -> (Severity, [AttackTechnique]) {
        switch role {
        case .parameter: (.high, [.modifyParameter])
        case .safety: (.critical, [.modifyAlarmSettings, .modifyParameter])
        case .program: (.high, [.programDownload])
        }
    }
}
