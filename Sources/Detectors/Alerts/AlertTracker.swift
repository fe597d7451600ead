/// The lifecycle of one detector's alert on one channel: `open` when the condition has held for
/// `minDuration`, `update` at most every `updateInterval` while open and only for a new extreme, `close` once the
/// condition has been clear for `clearAfter` and `clearSamples` samples in a row. With hysteresis, "clear" may be
/// stricter than "not open" (a sample between the two levels keeps the alert open and restarts the clear count).
/// O(1) state, no allocation: 56 bytes, the policy being one copy shared by the trackers that have it.
public struct AlertTracker: Sendable {
    private let shared: Shared<AlertPolicy>
    public var policy: AlertPolicy { self.shared.value }
    private var conditionSince = Double.nan
    private var clearSince = Double.nan
    private var lastEvent = 0.0
    /// The largest |score| since the alert opened.
    public private(set) var extreme = 0.0
    /// When the open alert opened.
    public private(set) var openedAt = 0.0
    /// Clear samples in a row while open (saturating).
    private var clearCount: Int32 = 0
    public private(set) var isOpen = false
    /// Whether the extreme grew since the last event.
    private var newExtreme = false

    public init(policy: AlertPolicy) { self.shared = alertPolicies.shared(policy) }

    /// Feeds one sample's condition (no hysteresis: clear when not active); returns the event it causes.
    public mutating func step(at t: Double, active: Bool, score: Double) -> AlertTransition? {
        self.step(at: t, active: active, clear: !active, score: score)
    }

    /// Feeds one sample: `active` at the opening level, `clear` at the clearing level. `immediate`: the condition
    /// is a finished event (a spike known once it is over), which opens without waiting `minDuration`.
    public mutating func step(at t: Double, active: Bool, clear: Bool, score: Double,
                              immediate: Bool = false) -> AlertTransition? {
        if !self.isOpen {
            guard active else {
                self.conditionSince = .nan
                return nil
            }
            if self.conditionSince.isNaN { self.conditionSince = t }
            guard immediate || t - self.conditionSince >= self.policy.minDuration else { return nil }
            self.isOpen = true
            self.openedAt = t
            self.lastEvent = t
            self.extreme = abs(score)
            self.newExtreme = false
            self.clearSince = .nan
            self.clearCount = 0
            return .open
        }
        if !clear {
            self.clearSince = .nan
            self.clearCount = 0
            guard active else { return nil }
            if abs(score) > self.extreme {
                self.extreme = abs(score)
                self.newExtreme = true
            }
            if self.newExtreme && t - self.lastEvent >= self.policy.updateInterval {
                self.lastEvent = t
                self.newExtreme = false
                return .update
            }
            return nil
        }
        if self.clearSince.isNaN { self.clearSince = t }
        if self.clearCount < Int32.max { self.clearCount += 1 }
        guard t - self.clearSince >= self.policy.clearAfter && Int(self.clearCount) >= self.policy.clearSamples else {
            return nil
        }
        self.isOpen = false
        self.conditionSince = .nan
        self.lastEvent = t
        return .close
    }

    public mutating func reset() { self = AlertTracker(shared: self.shared) }

    private init(shared: Shared<AlertPolicy>) { self.shared = shared }
}
