/// A device's state in its retained status message.
public enum DeviceState: String, Sendable, Hashable {
    /// The last poll cycle read every request.
    case online
    /// Not connected, or the last poll cycle had a failed request (the status carries the error).
    case offline
}
