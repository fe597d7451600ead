/// Watches a value that must not change outside maintenance (a setpoint, an alarm limit, a program checksum):
/// the first sample is the baseline; a different value outside maintenance opens a change, further values update
/// it, the baseline value again closes it (restored); during maintenance the current value becomes the baseline
/// and an open change closes (accepted). Values compare by bit pattern, so NaN never equals a number and the
/// string hashes compare exactly. No allocation.
public struct ParameterWatch: Sendable, Hashable {
    public enum Event: Sendable, Hashable {
        /// The value left its baseline (`first`), or changed again while away from it.
        case changed(from: Double, to: Double, first: Bool)
        /// The value came back to its baseline.
        case restored(Double)
        /// A maintenance window accepted the value as the new baseline, closing an open change.
        case accepted(from: Double, to: Double)
        /// A maintenance window moved the baseline with no change open (for the log).
        case rebaselined(from: Double, to: Double)
    }

    public private(set) var baseline: Double?
    /// The last value seen while a change is open.
    public private(set) var current: Double?
    public private(set) var isOpen = false

    public init(baseline: Double? = nil) {
        self.baseline = baseline
    }

    /// Feeds one good sample (skip failed reads: a NaN for a missing sample is not a change).
    public mutating func observe(_ value: Double, inMaintenance: Bool) -> Event? {
        guard let baseline = self.baseline else {
            self.baseline = value
            return nil
        }
        let same = value.bitPattern == baseline.bitPattern
        if inMaintenance {
            guard !same else { return nil }
            self.baseline = value
            self.current = nil
            if self.isOpen {
                self.isOpen = false
                return .accepted(from: baseline, to: value)
            }
            return .rebaselined(from: baseline, to: value)
        }
        if same {
            guard self.isOpen else { return nil }
            self.isOpen = false
            self.current = nil
            return .restored(value)
        }
        if !self.isOpen {
            self.isOpen = true
            self.current = value
            return .changed(from: baseline, to: value, first: true)
        }
        guard value.bitPattern != self.current?.bitPattern else { return nil }
        self.current = value
        return .changed(from: baseline, to: value, first: false)
    }

    /// Restores a watch from a snapshot.
    public init(baseline: Double?, current: Double?, isOpen: Bool) {
        self.baseline = baseline
        self.current = current
        self.isOpen = isOpen
    }
}
