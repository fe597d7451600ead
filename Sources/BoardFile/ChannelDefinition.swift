import Detectors
import Registers
import YAML

/// One value read from a device: where it lives, how it decodes, and how it is kept.
public struct ChannelDefinition: Sendable, Hashable {
    public var id: String
    public var table: RegisterTable
    /// 0-based PDU address of the first register or bit.
    public var address: Int
    public var type: DataType
    public var order: ByteOrder
    /// The byte of an `int8`/`uint8`.
    public var byte: ByteSelect
    /// The bit (0 to 15) of a `bit`.
    public var bit: Int
    /// Registers of a `string`.
    public var length: Int
    public var scaling: Scaling
    /// Engineering unit, free text carried to payloads (may be empty).
    public var unit: String
    /// Ring capacity in samples.
    public var window: Int
    /// Overrides the device's poll interval for this channel.
    public var pollInterval: Duration?
    /// The Modicon number the channel was given as (`register:`), if it was.
    public var modiconNumber: Int?
    /// How `otsentry simulate` animates this channel (ignored by the agent).
    public var simulation: SimulationDefinition?
    /// The detectors watching the channel (`detectors:`; the default bank when absent).
    public var detectors: DetectorBankConfiguration
    /// The signal's period, when the channel declares one (`period:`), for seasonal baselines.
    public var period: Duration?
    /// Integrity role: changes outside maintenance windows are alerts.
    public var role: ChannelRole?
    /// Sparkplug report by exception: a value is sent when it moved more than this from the last one sent
    /// (engineering units; 0: any change). Also sent in every periodic full report.
    public var deadband: Double = 0
    public var mark: YAMLMark

    public init(id: String, table: RegisterTable, address: Int, type: DataType, order: ByteOrder = .ABCD,
                byte: ByteSelect = .low, bit: Int = 0, length: Int = 1, scaling: Scaling = .identity,
                unit: String = "", window: Int = ChannelDefinition.defaultWindow, pollInterval: Duration? = nil,
                modiconNumber: Int? = nil, simulation: SimulationDefinition? = nil,
                detectors: DetectorBankConfiguration = .default, period: Duration? = nil,
                mark: YAMLMark = YAMLMark(line: 1, column: 1)) {
        self.id = id
        self.table = table
        self.address = address
        self.type = type
        self.order = order
        self.byte = byte
        self.bit = bit
        self.length = length
        self.scaling = scaling
        self.unit = unit
        self.window = window
        self.pollInterval = pollInterval
        self.modiconNumber = modiconNumber
        self.simulation = simulation
        self.detectors = detectors
        self.period = period
        self.mark = mark
    }

    public var codec: ValueCodec {
        ValueCodec(type: self.type, order: self.order, byte: self.byte, bit: self.bit, length: self.length)
    }

    /// Registers (or bits, in a bit table) the channel occupies.
    public var width: Int { self.table.holdsBits ? 1 : self.codec.registerCount }

    /// The half-open range of addresses the channel reads.
    public var addresses: Range<Int> { self.address..<(self.address + self.width) }

    public static let defaultWindow = 1024
    public static let maxWindow = 1 << 20
    public static let maxUnitLength = 32
    public static let maxStringLength = 64
}
