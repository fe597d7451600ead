import Detectors

/// The alert records of link watch events.
enum LinkAlerts {
    static func record(_ e: LinkWatch.Event, device: String) -> AlertRecord {
        let rule = DeviceRuntime.linkRule(e.metric)
        let severity: Severity
        let attack: [AttackTechnique]
        let what: String
        switch e.metric {
        case .latency:
            severity = .medium
            attack = [.adversaryInTheMiddle, .denialOfService]
            what = "round-trip time"
        case .timeouts:
            severity = .high
            attack = [.denialOfService, .lossOfAvailability]
            what = "share of unanswered requests"
        case .exceptions:
            severity = .medium
            attack = [.denialOfService, .adversaryInTheMiddle]
            what = "share of requests answered with an exception"
        }
        // Latency in milliseconds; the two shares as percentages.
        let (scale, suffix) = e.metric == .latency ? (1.0, " ms") : (100.0, " %")
        let value = NumberText.short(e.value * scale) + suffix
        let baseline = NumberText.short(e.baseline * scale) + suffix
        var r = AlertRecord(transition: e.opened ? .open : .close, severity: severity, rule: rule,
                            ruleType: "availability", channel: nil,
                            message: e.opened ? "\(device): \(what) rose to \(value) (baseline \(baseline))"
                                : "\(device): \(what) back to \(value) (baseline \(baseline))",
                            attack: attack)
        r.value = e.value
        r.expected = e.baseline
        r.unit = e.metric == .latency ? "ms" : "ratio"
        r.metric = rule
        return r
    }
}
