/// A validated board file: one gateway, its broker, its serial ports and its devices. Immutable once loaded; the
/// runtime compiles it further into read plans and rings.
public struct Board: Sendable, Hashable {
    /// The gateway id (``Identifier`` charset), used in every topic.
    public var gateway: String
    public var mqtt: BrokerSettings
    /// How often each device publishes a summary.
    public var summaryInterval: Duration
    /// Serial ports for Modbus RTU, in board order.
    public var ports: [SerialPortDefinition]
    public var devices: [DeviceDefinition]
    /// State directory, spool and snapshots.
    public var persistence: PersistenceSettings
    /// Maintenance windows of devices that declare none of their own.
    public var maintenance: [MaintenanceWindow] = []
    /// The path the board was loaded from, as given on the command line.
    public var file: String

    public init(gateway: String, mqtt: BrokerSettings, summaryInterval: Duration, ports: [SerialPortDefinition] = [],
                devices: [DeviceDefinition], persistence: PersistenceSettings = PersistenceSettings(), file: String) {
        self.gateway = gateway
        self.mqtt = mqtt
        self.summaryInterval = summaryInterval
        self.ports = ports
        self.devices = devices
        self.persistence = persistence
        self.file = file
    }

    public func port(named name: String) -> SerialPortDefinition? {
        self.ports.first { $0.name == name }
    }

    public static let defaultSummaryInterval: Duration = .seconds(10)
}
