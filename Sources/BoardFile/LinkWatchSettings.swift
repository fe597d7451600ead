/// The device's link watch (`link:`): streaming baselines of round-trip time, timeout rate and exception rate,
/// compared window by window.
public struct LinkWatchSettings: Sendable, Hashable {
    public var enabled: Bool = true
    /// Length of one comparison window; default 10s.
    public var window: Duration = .seconds(10)
    /// Windows learnt before alerting; default 12 (2 minutes at the default window).
    public var learn: Int = 12

    public init() {}
}
