/// An alert event of one detector on one sample, as the bank reports it (the agent turns it into a payload).
public struct AlertEvent: Sendable, Hashable {
    public var kind: DetectorKind
    public var transition: AlertTransition
    public var severity: Severity
    /// The sample's value and time (seconds).
    public var value: Double
    public var time: Double
    /// The detector's verdict on that sample.
    public var verdict: Verdict
    /// For `update` and `close`: the largest |score| since the alert opened.
    public var extreme: Double

    public init(kind: DetectorKind, transition: AlertTransition, severity: Severity, value: Double, time: Double,
                verdict: Verdict, extreme: Double) {
        self.kind = kind
        self.transition = transition
        self.severity = severity
        self.value = value
        self.time = time
        self.verdict = verdict
        self.extreme = extreme
    }
}
