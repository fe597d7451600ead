/// The byte sequence of a value as it appears on the wire, `A` being its most significant byte.
///
/// This is the convention of pymodbus and Telegraf (and of libmodbus' `modbus_get_float_*` readers):
///
/// | order | 16 bits | 32 bits      | 64 bits                     |
/// |-------|---------|--------------|-----------------------------|
/// | ABCD  | [AB]    | [AB][CD]     | [AB][CD][EF][GH] big-endian |
/// | CDAB  | [AB]    | [CD][AB]     | [GH][EF][CD][AB] words reversed |
/// | BADC  | [BA]    | [BA][DC]     | [BA][DC][FE][HG] bytes swapped in each word |
/// | DCBA  | [BA]    | [DC][BA]     | [HG][FE][DC][BA] little-endian |
///
/// Worked example: float32 123.456 is 0x42F6E979, so ABCD reads [42F6, E979], CDAB [E979, 42F6],
/// BADC [F642, 79E9] and DCBA [79E9, F642].
public enum ByteOrder: String, Sendable, CaseIterable, Hashable {
    case ABCD
    case BADC
    case CDAB
    case DCBA

    /// The words arrive least significant first.
    public var reversesWords: Bool { self == .CDAB || self == .DCBA }

    /// The two bytes of every word arrive least significant first.
    public var swapsBytes: Bool { self == .BADC || self == .DCBA }

    public static let namesForMessages: String = allCases.map(\.rawValue).joined(separator: ", ")
}
