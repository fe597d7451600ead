import Registers

/// Merges a device's channels into as few read requests as possible. Pure functions.
///
/// Channels are grouped by their poll interval; per group and table, channels sorted by address are packed
/// greedily: a request grows to take the next channel while the hole before it is at most `maxGap` unread items
/// and the request stays within the item limit (125 registers or 2000 bits, or the device's lower `maxRegisters`
/// / `maxBits`). A channel is never split across requests, and registers shared by several channels (bits and
/// bytes of one register) are read once.
///
/// Greedy packing is optimal for this rule (the fewest requests): by exchange, the greedy plan's k-th request
/// always ends at or after the k-th request of any valid plan, so it never needs more requests. A brute-force
/// oracle in the tests checks this on random layouts.
public enum ReadPlanner {
    public static func plan(_ device: DeviceDefinition) -> ReadPlan {
        var groups: [ReadPlan.Group] = []
        let intervals = Set(device.channels.map { device.pollInterval(of: $0) }).sorted()
        for interval in intervals {
            let members = device.channels.indices.filter { device.pollInterval(of: device.channels[$0]) == interval }
            let requests = self.requests(device.channels, indexes: members, maxGap: device.maxGap,
                                         maxRegisters: device.maxRegisters, maxBits: device.maxBits)
            groups.append(ReadPlan.Group(interval: interval, requests: requests))
        }
        return ReadPlan(groups: groups)
    }

    /// One group's requests over `channels` (all of them when `indexes` is nil), tables in function-code order.
    public static func requests(_ channels: [ChannelDefinition], indexes: [Int]? = nil, maxGap: Int = 0,
                                maxRegisters: Int = 125, maxBits: Int = 2000) -> [ReadRequest] {
        let indexes = indexes ?? Array(channels.indices)
        var requests: [ReadRequest] = []
        for table in RegisterTable.allCases.sorted() {
            let limit = table.holdsBits ? min(maxBits, 2000) : min(maxRegisters, 125)
            let sorted = indexes.filter { channels[$0].table == table }
                .sorted { (channels[$0].address, $0) < (channels[$1].address, $1) }
            let spans = sorted.map { channels[$0].addresses }
            for run in self.pack(spans, maxGap: maxGap, limit: limit) {
                requests.append(ReadRequest(table: table, address: run.range.lowerBound, count: run.range.count,
                                            channels: run.members.map { sorted[$0] }))
            }
        }
        return requests
    }

    /// Greedy packing of spans sorted by start: which spans go together, and the range each request reads.
    public static func pack(_ spans: [Range<Int>], maxGap: Int, limit: Int) -> [(range: Range<Int>, members: [Int])] {
        var runs: [(range: Range<Int>, members: [Int])] = []
        for (i, span) in spans.enumerated() {
            if let last = runs.last {
                let end = max(last.range.upperBound, span.upperBound)
                if span.lowerBound - last.range.upperBound <= maxGap && end - last.range.lowerBound <= limit {
                    runs[runs.count - 1] = (last.range.lowerBound..<end, last.members + [i])
                    continue
                }
            }
            runs.append((span, [i]))
        }
        return runs
    }
}
