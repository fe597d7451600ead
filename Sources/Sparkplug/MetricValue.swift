/// A metric's value as otsentry sends it: engineering values are doubles, converted to the metric's datatype.
public enum MetricValue: Sendable, Hashable {
    case number(Double)
    case text(String)
    /// No value (a failed read, or nothing known yet); `quality` is sent as the `Quality` property when given.
    case null(quality: Int32?)
}
