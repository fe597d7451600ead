import Glibc

/// The local civil time (the `TZ` of the process, else `/etc/localtime`), for maintenance windows.
public enum LocalClock {
    /// Year, month (1-12), day, weekday (0 = Sunday), hour, minute of `unixSeconds` in local time.
    public static func civil(unixSeconds: Int64) -> (year: Int, month: Int, day: Int, weekday: Int, hour: Int, minute: Int) {
        var t = time_t(unixSeconds)
        var parts = tm()
        localtime_r(&t, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_wday),
                Int(parts.tm_hour), Int(parts.tm_min))
    }
}
