/// The metric datatypes of Sparkplug B 3.0 (`DataType` of `sparkplug_b.proto`), the ones otsentry sends.
public enum SparkplugDataType: UInt32, Sendable, Hashable, CaseIterable {
    case int8 = 1
    case int16 = 2
    case int32 = 3
    case int64 = 4
    case uint8 = 5
    case uint16 = 6
    case uint32 = 7
    case uint64 = 8
    case float = 9
    case double = 10
    case boolean = 11
    case string = 12

    /// The `Metric` field that carries a value of this type: `int_value` (10) for 8- to 32-bit integers,
    /// `long_value` (11) for 64-bit ones, `float_value` (12), `double_value` (13), `boolean_value` (14),
    /// `string_value` (15).
    public var valueField: Int {
        switch self {
        case .int8, .int16, .int32, .uint8, .uint16, .uint32: 10
        case .int64, .uint64: 11
        case .float: 12
        case .double: 13
        case .boolean: 14
        case .string: 15
        }
    }

    /// The width in bits of an integer type (two's complement in that width for negative values).
    var integerBits: Int {
        switch self {
        case .int8, .uint8: 8
        case .int16, .uint16: 16
        case .int32, .uint32: 32
        default: 64
        }
    }
}
