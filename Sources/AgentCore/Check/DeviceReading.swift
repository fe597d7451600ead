/// One device as `otsentry poll` shows it after a cycle.
public struct DeviceReading: Sendable, Hashable {
    public var device: String
    /// Why the last cycle failed, if it did.
    public var error: String?
    public var channels: [ChannelReading]
}
