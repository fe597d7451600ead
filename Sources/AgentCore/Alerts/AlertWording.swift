import Detectors

/// The human sentence (`msg`) of an alert event.
enum AlertWording {
    static func sentence(_ e: AlertEvent, channel: String, unit: String) -> String {
        let u = unit.isEmpty ? "" : " \(unit)"
        let value = "\(NumberText.short(e.value))\(u)"
        let expected = e.verdict.expected.isNaN ? nil : "\(NumberText.short(e.verdict.expected))\(u)"
        if e.transition == .close {
            return "\(channel): \(e.kind.rawValue) alert cleared (value \(value))"
        }
        let prefix = e.transition == .update ? "still " : ""
        switch e.kind {
        case .range:
            let side = e.value > e.verdict.expected ? "above" : "below"
            return "\(channel) is \(prefix)\(side) its limit of \(expected ?? "?"): \(value)"
        case .rate:
            return "\(channel) \(prefix)changes at \(NumberText.short(e.verdict.score))\(u)/s, faster than "
                + "\(NumberText.short(e.verdict.expected))\(u)/s (value \(value))"
        case .spike:
            return "\(channel) \(prefix)spiked to \(value) (expected \(expected ?? "?"), robust z "
                + "\(NumberText.short(e.verdict.score)))"
        case .shift:
            let direction = e.verdict.score >= 0 ? "up" : "down"
            return "\(channel) \(prefix)shifted \(direction) from \(expected ?? "?") to \(value) (level "
                + "\(NumberText.short(abs(e.verdict.score))) robust σ off)"
        case .flatline:
            return "\(channel) \(prefix)stuck at \(value) for \(Int(e.verdict.score)) samples, on a signal that "
                + "normally moves"
        case .score:
            return "\(channel) \(prefix)anomalous: score \(NumberText.short(e.verdict.score)) at \(value)"
        case .spoof:
            // The detector's score is the replay lag (positive) or minus the frozen run length.
            if e.verdict.score > 0 {
                return "\(channel) \(prefix)looks replayed: its last samples repeat, bit for bit, the stretch "
                    + "\(Int(e.verdict.score)) samples earlier (value \(value))"
            }
            return "\(channel) \(prefix)looks spoofed: its exact value is frozen at \(value) for "
                + "\(Int(-e.verdict.score)) samples on a signal whose reading always moves"
        }
    }
}
