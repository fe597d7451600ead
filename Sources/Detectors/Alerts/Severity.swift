/// How urgent an alert is: the payload's `level`, with its numeric `sev` (0 to 100, as Elastic ECS
/// `event.severity` and OCSF `severity_id` map it).
public enum Severity: String, Sendable, Hashable, CaseIterable {
    case low
    case medium
    case high
    case critical

    public var number: Int {
        switch self {
        case .low: 30
        case .medium: 50
        case .high: 70
        case .critical: 90
        }
    }
}
