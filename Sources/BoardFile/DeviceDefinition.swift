import YAML

/// One Modbus device (a PLC, a meter, a drive) and the channels read from it.
public struct DeviceDefinition: Sendable, Hashable {
    public var id: String
    public var transport: Transport
    /// Modbus unit identifier (slave address); default 1.
    public var unit: Int
    /// Time between the starts of two poll cycles; default 1s. Channels may override it.
    public var pollInterval: Duration
    /// Response timeout of one request (and of connecting); default 1s.
    public var timeout: Duration
    /// Extra attempts of a request that timed out or found the device busy, within the same cycle; default 0.
    public var retries: Int
    /// Silence after (re)connecting, before the first request (slow TCP gateways); default 0.
    public var pauseAfterConnect: Duration
    /// Silence between two requests to this device; default 0.
    public var pauseBetweenRequests: Duration
    /// Unread registers a request may bridge to merge two channels; 0 never bridges; default 10.
    public var maxGap: Int
    /// Most registers per request (some devices accept fewer than 125); default 125.
    public var maxRegisters: Int
    /// Most bits per request; default 2000.
    public var maxBits: Int
    /// Consecutive failed cycles after which the device is skipped (`degraded`); default 3.
    public var degradeAfter: Int
    /// How long a degraded device is skipped before it is tried again; default 60s.
    public var degradeFor: Duration
    /// How long after its sample an alert may be published, so that the detectors can run on a batch of
    /// samples of each channel (`detection_latency`, 0 to 10s); 0 runs them after every cycle; default 1s.
    public var detectionLatency: Duration = DeviceDefinition.defaultDetectionLatency
    public var channels: [ChannelDefinition]
    /// Read the device's identity (0x11, and 0x2B/0x0E on TCP) at start-up and every `identityInterval`.
    public var identity: Bool = false
    public var identityInterval: Duration = DeviceDefinition.defaultIdentityInterval
    /// When parameter and identity changes are expected (the device's own, else the board's).
    public var maintenance: [MaintenanceWindow] = []
    public var link = LinkWatchSettings()
    /// The profile the device includes (`profile:`), if any.
    public var profile: String?
    /// Where the device's mapping starts in the board file.
    public var mark: YAMLMark

    public init(id: String, transport: Transport, unit: Int = DeviceDefinition.defaultUnit,
                pollInterval: Duration = DeviceDefinition.defaultPollInterval,
                timeout: Duration = DeviceDefinition.defaultTimeout, retries: Int = 0,
                pauseAfterConnect: Duration = .zero, pauseBetweenRequests: Duration = .zero,
                maxGap: Int = DeviceDefinition.defaultMaxGap, maxRegisters: Int = 125, maxBits: Int = 2000,
                degradeAfter: Int = DeviceDefinition.defaultDegradeAfter,
                degradeFor: Duration = DeviceDefinition.defaultDegradeFor,
                channels: [ChannelDefinition], mark: YAMLMark = YAMLMark(line: 1, column: 1)) {
        self.id = id
        self.transport = transport
        self.unit = unit
        self.pollInterval = pollInterval
        self.timeout = timeout
        self.retries = retries
        self.pauseAfterConnect = pauseAfterConnect
        self.pauseBetweenRequests = pauseBetweenRequests
        self.maxGap = maxGap
        self.maxRegisters = maxRegisters
        self.maxBits = maxBits
        self.degradeAfter = degradeAfter
        self.degradeFor = degradeFor
        self.channels = channels
        self.mark = mark
    }

    /// The poll interval in effect for a channel.
    public func pollInterval(of channel: ChannelDefinition) -> Duration {
        channel.pollInterval ?? self.pollInterval
    }

    public static let defaultUnit = 1
    public static let defaultPollInterval: Duration = .seconds(1)
    public static let defaultTimeout: Duration = .seconds(1)
    public static let defaultMaxGap = 10
    public static let defaultDegradeAfter = 3
    public static let defaultDegradeFor: Duration = .seconds(60)
    public static let defaultIdentityInterval: Duration = .seconds(600)
    public static let defaultDetectionLatency: Duration = .seconds(1)
}
