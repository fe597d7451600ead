/// The requests a device makes, compiled once from its channels: one group per poll interval.
public struct ReadPlan: Sendable, Hashable {
    /// Requests polled together at one interval.
    public struct Group: Sendable, Hashable {
        public var interval: Duration
        public var requests: [ReadRequest]

        public init(interval: Duration, requests: [ReadRequest]) {
            self.interval = interval
            self.requests = requests
        }
    }

    /// Groups by increasing interval.
    public var groups: [Group]

    public init(groups: [Group]) { self.groups = groups }

    /// All requests, group by group.
    public var requests: [ReadRequest] { self.groups.flatMap(\.requests) }

    /// Registers read per cycle of every group (input and holding).
    public var registersPerCycle: Int { self.requests.filter { !$0.table.holdsBits }.reduce(0) { $0 + $1.count } }

    /// Bits read per cycle of every group (coils and discrete inputs).
    public var bitsPerCycle: Int { self.requests.filter { $0.table.holdsBits }.reduce(0) { $0 + $1.count } }
}
