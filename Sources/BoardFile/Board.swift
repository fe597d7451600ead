/// A validated board file: one gateway, its broker and its devices. Immutable once loaded; the runtime compiles
/// it further into read plans and rings.
public struct Board: Sendable, Hashable {
    /// The gateway id (``Identifier`` charset), used in every topic.
    public var gateway: String
    public var mqtt: BrokerSettings
    /// How often each device publishes a summary.
    public var summaryInterval: Duration
    public var devices: [DeviceDefinition]
    /// The path the board was loaded from, as given on the command line.
    public var file: String

    public init(gateway: String, mqtt: BrokerSettings, summaryInterval: Duration, devices: [DeviceDefinition],
                file: String) {
        self.gateway = gateway
        self.mqtt = mqtt
        self.summaryInterval = summaryInterval
        self.devices = devices
        self.file = file
    }

    public static let defaultSummaryInterval: Duration = .seconds(10)
}
