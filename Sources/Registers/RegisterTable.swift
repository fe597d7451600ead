/// The four Modbus data tables.
///
/// Coils and discrete inputs hold single bits; input and holding registers hold 16-bit words.
public enum RegisterTable: String, Sendable, CaseIterable, Hashable, Comparable {
    /// Read/write bits, function code 1 (read coils).
    case coil
    /// Read-only bits, function code 2 (read discrete inputs).
    case discrete
    /// Read-only 16-bit registers, function code 4 (read input registers).
    case input
    /// Read/write 16-bit registers, function code 3 (read holding registers).
    case holding

    /// True for the bit tables (coils and discrete inputs).
    public var holdsBits: Bool { self == .coil || self == .discrete }

    /// The Modbus function code that reads this table.
    public var readFunctionCode: UInt8 {
        switch self {
        case .coil: 1
        case .discrete: 2
        case .holding: 3
        case .input: 4
        }
    }

    /// The largest number of items one request may read: 2000 bits or 125 registers (Modbus spec, §6).
    public var maxItemsPerRequest: Int { self.holdsBits ? 2000 : 125 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.readFunctionCode < rhs.readFunctionCode }
}
