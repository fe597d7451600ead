/// A time when changes to parameters and device identity are expected (`maintenance:`), in the gateway's local
/// time: weekly (`{days: [sat, sun], from: "22:00", to: "06:00"}`, crossing midnight when `to` is before `from`)
/// or once (`{from: "2026-12-01 08:00", to: "2026-12-01 12:00"}`).
public enum MaintenanceWindow: Sendable, Hashable, CustomStringConvertible {
    /// Days 0 (Sunday) to 6; minutes since midnight, `to` up to 1440 (24:00).
    case weekly(days: Set<Int>, from: Int, to: Int)
    /// Minutes since 1970-01-01 00:00 local time (civil, not UTC).
    case once(from: Int64, to: Int64)

    public static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Whether `time` (local civil time) falls in the window.
    public func contains(_ time: LocalTime) -> Bool {
        switch self {
        case .weekly(let days, let from, let to):
            let minute = time.hour * 60 + time.minute
            if from < to { return days.contains(time.weekday) && minute >= from && minute < to }
            // Crosses midnight: the evening of a listed day, or the morning after it.
            let yesterday = (time.weekday + 6) % 7
            return (days.contains(time.weekday) && minute >= from) || (days.contains(yesterday) && minute < to)
        case .once(let from, let to):
            let t = time.minutesSinceEpoch
            return t >= from && t < to
        }
    }

    public var description: String {
        switch self {
        case .weekly(let days, let from, let to):
            let names = days.sorted().map { Self.dayNames[$0] }.joined(separator: ",")
            return "\(days.count == 7 ? "daily" : names) \(Self.clock(from))-\(Self.clock(to))"
        case .once(let from, let to):
            return "\(LocalTime.text(minutesSinceEpoch: from)) to \(LocalTime.text(minutesSinceEpoch: to))"
        }
    }

    static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0\(h)" : "\(h)") + ":" + (m < 10 ? "0\(m)" : "\(m)")
    }
}

/// A local civil time, as `localtime_r` gives it.
public struct LocalTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    /// 0 = Sunday.
    public var weekday: Int
    public var hour: Int
    public var minute: Int

    public init(year: Int, month: Int, day: Int, weekday: Int, hour: Int, minute: Int) {
        self.year = year
        self.month = month
        self.day = day
        self.weekday = weekday
        self.hour = hour
        self.minute = minute
    }

    public var minutesSinceEpoch: Int64 {
        Int64(Self.daysFromCivil(self.year, self.month, self.day)) * 1440 + Int64(self.hour * 60 + self.minute)
    }

    /// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func text(minutesSinceEpoch t: Int64) -> String {
        var z = Int(t / 1440) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        z = Int(t % 1440)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d)) \(MaintenanceWindow.clock(z))"
    }
}
