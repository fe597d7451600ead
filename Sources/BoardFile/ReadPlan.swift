/// The requests one poll cycle of a device makes, compiled once from its channels.
public struct ReadPlan: Sendable, Hashable {
    public var requests: [ReadRequest]

    public init(requests: [ReadRequest]) { self.requests = requests }

    /// Registers read per cycle (input and holding).
    public var registersPerCycle: Int { self.requests.filter { !$0.table.holdsBits }.reduce(0) { $0 + $1.count } }

    /// Bits read per cycle (coils and discrete inputs).
    public var bitsPerCycle: Int { self.requests.filter { $0.table.holdsBits }.reduce(0) { $0 + $1.count } }
}
