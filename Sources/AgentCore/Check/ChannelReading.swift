/// One channel as `otsentry poll` shows it.
public struct ChannelReading: Sendable, Hashable {
    public var id: String
    /// `holding 100` or `coil 3`.
    public var location: String
    /// The registers (or the bit) last read, as they came off the wire.
    public var raw: [UInt16]
    /// The engineering value (nil before the first good read).
    public var value: Double?
    /// The text of a `string` channel.
    public var text: String?
    /// The value is an unscaled float32 reading (printed at float32 precision).
    public var isFloat32: Bool
    public var unit: String
    /// `good` or `bad` (the last read failed) or `stale` (never read).
    public var quality: String
    /// Seconds since the last good read.
    public var age: Double?
}
