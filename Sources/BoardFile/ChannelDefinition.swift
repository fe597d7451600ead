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
    public var scaling: Scaling
    /// Engineering unit, free text carried to payloads (may be empty).
    public var unit: String
    /// Ring capacity in samples.
    public var window: Int
    /// How `otsentry simulate` animates this channel (ignored by the agent).
    public var simulation: SimulationDefinition?
    public var mark: YAMLMark

    public init(id: String, table: RegisterTable, address: Int, type: DataType, order: ByteOrder = .ABCD,
                scaling: Scaling = .identity, unit: String = "", window: Int = ChannelDefinition.defaultWindow,
                simulation: SimulationDefinition? = nil, mark: YAMLMark = YAMLMark(line: 1, column: 1)) {
        self.id = id
        self.table = table
        self.address = address
        self.type = type
        self.order = order
        self.scaling = scaling
        self.unit = unit
        self.window = window
        self.simulation = simulation
        self.mark = mark
    }

    /// Registers (or bits, in a bit table) the channel occupies.
    public var width: Int { self.table.holdsBits ? 1 : self.type.registerCount }

    /// The half-open range of addresses the channel reads.
    public var addresses: Range<Int> { self.address..<(self.address + self.width) }

    public static let defaultWindow = 1024
    public static let maxWindow = 1 << 20
    public static let maxUnitLength = 32
}
