/// Parses and prints the board's durations: a number followed by `ms`, `s`, `m` or `h`, optionally repeated
/// (`1m30s`), e.g. `100ms`, `1.5s`, `10s`, `5m`, `1h`.
public enum DurationFormat {
    public static func parse(_ text: String) -> Duration? {
        var total: Double = 0
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "ms": total += value / 1000
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3600
            default: return nil
            }
        }
        guard total < 1e9 else { return nil }
        let nanoseconds = (total * 1e9).rounded()
        return .nanoseconds(Int64(nanoseconds))
    }

    /// The shortest exact form: `100ms`, `10s`, `5m`, `1h`, `1500ms`.
    public static func describe(_ duration: Duration) -> String {
        let ns = duration.nanoseconds
        if ns % 3_600_000_000_000 == 0 && ns != 0 { return "\(ns / 3_600_000_000_000)h" }
        if ns % 60_000_000_000 == 0 && ns != 0 { return "\(ns / 60_000_000_000)m" }
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        return "\(ns)ns"
    }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating beyond ±292 years).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = self.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }

    public var milliseconds: Int64 { self.nanoseconds / 1_000_000 }

    public var seconds: Double { Double(self.nanoseconds) / 1e9 }
}
