/// What a spool record carries; alerts have priority over summaries when sending and when space runs out.
public enum SpoolKind: UInt8, Sendable, Hashable {
    case summary = 1
    case alert = 2
}
