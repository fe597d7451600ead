/// The value types a channel can decode from its registers.
public enum DataType: String, Sendable, CaseIterable, Hashable {
    case bool
    case int16
    case uint16
    case int32
    case uint32
    case int64
    case uint64
    case float32
    case float64

    /// Registers (16-bit words) the type occupies in a register table. A `bool` in a register table is one
    /// register read as `value != 0`; in a bit table it is one bit.
    public var registerCount: Int {
        switch self {
        case .bool, .int16, .uint16: 1
        case .int32, .uint32, .float32: 2
        case .int64, .uint64, .float64: 4
        }
    }

    /// Whether the type can be read from a bit table (coils, discrete inputs).
    public var fitsBitTable: Bool { self == .bool }

    /// Whether byte order matters for the type (more than one byte on the wire).
    public var hasByteOrder: Bool { self != .bool }

    /// The type names in documentation order, for messages.
    public static let namesForMessages: String = allCases.map(\.rawValue).joined(separator: ", ")
}
