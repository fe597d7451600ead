/// A device's state in its retained status message.
public enum DeviceState: String, Sendable, Hashable {
    /// The last poll cycle read every request.
    case online
    /// Skipped after `degrade_after` failed cycles in a row, so that it cannot stall its bus; retried after
    /// `degrade_for`.
    case degraded
    /// Not connected, or a request of the last poll cycle failed (the status carries the error).
    case offline
}
