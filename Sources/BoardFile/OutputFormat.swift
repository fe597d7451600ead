/// `mqtt.format`: what the agent publishes.
public enum OutputFormat: String, Sendable, Hashable, CaseIterable {
    /// The JSON topics under `<topic_prefix>/<gateway>/` (summaries, status, alerts).
    case json
    /// Sparkplug B 3.0 (`spBv1.0/<group_id>/…/<gateway>`): births, data by exception, deaths.
    case sparkplug
}
