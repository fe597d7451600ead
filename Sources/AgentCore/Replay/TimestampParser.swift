/// Timestamps of replayed CSV files, to seconds since the Unix epoch (UTC): `2013-12-02 21:15:00`,
/// `2013-12-02T21:15:00.250Z`, `2013-12-02T22:15:00+01:00` (or `+0100`, `+01`), or a number of seconds
/// (`1385928900.5`). A fraction of a second may also follow a `,` (ISO 8601 allows it).
public enum TimestampParser {
    public static func seconds(_ text: Substring) -> Double? {
        let bytes = Array(text.utf8)
        // Seconds since the epoch: a plain number (no date separators).
        if !bytes.dropFirst().contains(UInt8(ascii: "-")) && !bytes.contains(UInt8(ascii: ":")) {
            return Double(text).flatMap { $0.isFinite ? $0 : nil }
        }
        // YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|±HH:MM]
        guard bytes.count >= 16, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t"),
              bytes[13] == UInt8(ascii: ":"),
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), let day = number(bytes, 8, 2),
              let hour = number(bytes, 11, 2), let minute = number(bytes, 14, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60
        else { return nil }
        var i = 16
        var second = 0.0
        if i < bytes.count && bytes[i] == UInt8(ascii: ":") {
            guard let s = number(bytes, i + 1, 2), s < 61 else { return nil }
            second = Double(s)
            i += 3
            if i < bytes.count && (bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: ",")) {
                var scale = 0.1
                i += 1
                let start = i
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                    second += Double(bytes[i] - 0x30) * scale
                    scale /= 10
                    i += 1
                }
                guard i > start else { return nil }
            }
        }
        var offset = 0
        if i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                // ±HH:MM, ±HHMM or ±HH.
                guard let h = number(bytes, i + 1, 2), h < 24 else { return nil }
                var m = 0
                var end = i + 3
                if end < bytes.count && bytes[end] == UInt8(ascii: ":") {
                    guard let minutes = number(bytes, end + 1, 2) else { return nil }
                    m = minutes
                    end += 3
                } else if end < bytes.count {
                    guard let minutes = number(bytes, end, 2) else { return nil }
                    m = minutes
                    end += 2
                }
                guard m < 60 else { return nil }
                offset = (h * 3600 + m * 60) * (bytes[i] == UInt8(ascii: "+") ? 1 : -1)
                i = end
            default:
                return nil
            }
        }
        guard i == bytes.count else { return nil }
        let days = daysFromCivil(year, month, day)
        return Double(days * 86400 + hour * 3600 + minute * 60 - offset) + second
    }

    private static func number(_ b: [UInt8], _ at: Int, _ count: Int) -> Int? {
        guard at + count <= b.count else { return nil }
        var n = 0
        for k in at..<(at + count) {
            guard b[k] >= 0x30 && b[k] <= 0x39 else { return nil }
            n = n * 10 + Int(b[k] - 0x30)
        }
        return n
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
