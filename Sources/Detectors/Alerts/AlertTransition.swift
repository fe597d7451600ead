/// An alert event produced by a sample.
public enum AlertTransition: String, Sendable, Hashable {
    case open
    case update
    case close
}
