/// A UTC calendar time computed from Unix milliseconds without the C library or Foundation, for RFC 3339
/// timestamps (`2026-11-26T16:01:19.123Z`).
///
/// The day arithmetic is Howard Hinnant's `civil_from_days`, exact for the proleptic Gregorian calendar.
public struct CivilTime: Sendable, Hashable {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int
    public var millisecond: Int

    public init(unixMilliseconds ms: Int64) {
        let millisPerDay: Int64 = 86_400_000
        var days = ms / millisPerDay
        var rest = ms % millisPerDay
        if rest < 0 {
            rest += millisPerDay
            days -= 1
        }
        self.millisecond = Int(rest % 1000)
        let secs = Int(rest / 1000)
        self.hour = secs / 3600
        self.minute = secs / 60 % 60
        self.second = secs % 60

        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        self.day = doy - (153 * mp + 2) / 5 + 1
        self.month = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (self.month <= 2 ? 1 : 0)
    }

    /// Calls `body` with the 24 ASCII bytes of the RFC 3339 form, with no allocation.
    @inlinable
    public func withRFC3339<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buf in
            func put(_ value: Int, _ at: Int, _ digits: Int) {
                var v = value
                for i in stride(from: at + digits - 1, through: at, by: -1) {
                    buf[i] = UInt8(ascii: "0") &+ UInt8(v % 10)
                    v /= 10
                }
            }
            put(max(0, min(9999, self.year)), 0, 4)
            buf[4] = UInt8(ascii: "-")
            put(self.month, 5, 2)
            buf[7] = UInt8(ascii: "-")
            put(self.day, 8, 2)
            buf[10] = UInt8(ascii: "T")
            put(self.hour, 11, 2)
            buf[13] = UInt8(ascii: ":")
            put(self.minute, 14, 2)
            buf[16] = UInt8(ascii: ":")
            put(self.second, 17, 2)
            buf[19] = UInt8(ascii: ".")
            put(self.millisecond, 20, 3)
            buf[23] = UInt8(ascii: "Z")
            return body(UnsafeBufferPointer(buf))
        }
    }

    /// The RFC 3339 form as a String (allocates; for logs and tests).
    public var rfc3339: String {
        self.withRFC3339 { String(decoding: $0, as: UTF8.self) }
    }
}
