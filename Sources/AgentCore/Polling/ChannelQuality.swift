/// The quality of a channel over one summary interval, published as `"q"`.
public enum ChannelQuality: String, Sendable, Hashable {
    /// Fresh samples in the interval, and the last read succeeded.
    case good
    /// No fresh sample in the interval (device degraded or offline, or a slower poll interval).
    case stale
    /// The last read of the channel failed.
    case bad

    /// `rawValue` as a literal, for the summary writer.
    var literal: StaticString {
        switch self {
        case .good: "good"
        case .stale: "stale"
        case .bad: "bad"
        }
    }
}
