import YAML

/// One Modbus device (a PLC, a meter, a drive) and the channels read from it.
public struct DeviceDefinition: Sendable, Hashable {
    public var id: String
    public var transport: Transport
    /// Modbus unit identifier (slave address); default 1.
    public var unit: Int
    /// Time between the starts of two poll cycles; default 1s.
    public var pollInterval: Duration
    /// Response timeout of one request (and of connecting); default 1s.
    public var timeout: Duration
    public var channels: [ChannelDefinition]
    /// Where the device's mapping starts in the board file.
    public var mark: YAMLMark

    public init(id: String, transport: Transport, unit: Int, pollInterval: Duration, timeout: Duration,
                channels: [ChannelDefinition], mark: YAMLMark) {
        self.id = id
        self.transport = transport
        self.unit = unit
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.channels = channels
        self.mark = mark
    }

    public static let defaultUnit = 1
    public static let defaultPollInterval: Duration = .seconds(1)
    public static let defaultTimeout: Duration = .seconds(1)
}
