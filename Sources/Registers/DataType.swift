/// The value types a channel can decode from its registers.
public enum DataType: String, Sendable, CaseIterable, Hashable {
    case bool
    case bit
    case int8
    case uint8
    case int16
    case uint16
    case int32
    case uint32
    case int64
    case uint64
    case float16
    case float32
    case float64
    case string

    /// Registers (16-bit words) the type occupies in a register table; a `string` occupies its `length`. A `bool`
    /// in a register table is one register read as `value != 0`; in a bit table it is one bit.
    public var registerCount: Int {
        switch self {
        case .bool, .bit, .int8, .uint8, .int16, .uint16, .float16, .string: 1
        case .int32, .uint32, .float32: 2
        case .int64, .uint64, .float64: 4
        }
    }

    /// Whether the type can be read from a bit table (coils, discrete inputs).
    public var fitsBitTable: Bool { self == .bool }

    /// Whether byte order matters for the type.
    public var hasByteOrder: Bool {
        switch self {
        case .bool, .bit, .int8, .uint8: false
        default: true
        }
    }

    /// Types that use part of a register, so that several channels may share one register.
    public var isSubRegister: Bool { self == .bit || self == .int8 || self == .uint8 }

    public static let namesForMessages: String = allCases.map(\.rawValue).joined(separator: ", ")
}
