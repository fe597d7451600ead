/// Which byte of a register an `int8`/`uint8` channel reads: `high` is the register's most significant byte (the
/// first on the wire), `low` the least significant one.
public enum ByteSelect: String, Sendable, CaseIterable, Hashable {
    case high
    case low
}
