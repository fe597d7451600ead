/// Watches a device's identity (the fields read with 0x11 and 0x2B/0x0E: server id and data, vendor, product
/// code, revision, names) and its run indicator. The first identity read is the baseline (unless one was
/// persisted); a different identity outside maintenance opens an `identity` condition, the baseline identity
/// again closes it, a maintenance window accepts the new one. The run indicator off outside maintenance opens a
/// `mode` condition until it is on again.
struct IdentityWatch: Sendable, Hashable {
    enum Event: Sendable, Hashable {
        case identityChanged(changes: [Change], first: Bool)
        case identityRestored
        case identityAccepted(changes: [Change])
        case baselineTaken
        case stopped
        case running
    }

    struct Change: Sendable, Hashable {
        var field: String
        var from: String
        var to: String
    }

    private(set) var baseline: [String: String]?
    private(set) var current: [String: String]?
    private(set) var identityOpen = false
    private(set) var modeOpen = false

    init(baseline: [String: String]? = nil) {
        self.baseline = baseline
    }

    static func changes(from a: [String: String], to b: [String: String]) -> [Change] {
        Set(a.keys).union(b.keys).sorted().compactMap { key in
            let from = a[key] ?? "", to = b[key] ?? ""
            return from == to ? nil : Change(field: key, from: from, to: to)
        }
    }

    /// Feeds one identity read; `running` is the run indicator when the device reports one.
    mutating func observe(_ fields: [String: String], running: Bool?, inMaintenance: Bool) -> [Event] {
        var events: [Event] = []
        if let baseline = self.baseline {
            let changes = Self.changes(from: baseline, to: fields)
            if inMaintenance {
                if !changes.isEmpty {
                    self.baseline = fields
                    self.identityOpen = false
                    events.append(.identityAccepted(changes: changes))
                }
            } else if changes.isEmpty {
                if self.identityOpen {
                    self.identityOpen = false
                    events.append(.identityRestored)
                }
            } else if !self.identityOpen {
                self.identityOpen = true
                events.append(.identityChanged(changes: changes, first: true))
            } else if self.current != fields {
                events.append(.identityChanged(changes: changes, first: false))
            }
        } else {
            self.baseline = fields
            events.append(.baselineTaken)
        }
        self.current = fields
        if let running {
            if !running && !self.modeOpen && !inMaintenance {
                self.modeOpen = true
                events.append(.stopped)
            } else if self.modeOpen && (running || inMaintenance) {
                self.modeOpen = false
                events.append(.running)
            }
        }
        return events
    }
}
