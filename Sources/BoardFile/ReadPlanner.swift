import Registers

/// Merges a device's channels into as few read requests as possible. Pure function.
///
/// Per table, channels sorted by address are packed greedily: a request grows to take the next channel while the
/// hole before it is at most `maxGap` unread items and the request stays within the item limit (125 registers,
/// 2000 bits, or `maxRegisters` if lower). A channel is never split across requests, and a register shared by
/// several channels is read once. Greedy packing is optimal for this rule: by exchange, the greedy i-th request
/// always ends at or after the i-th request of any other valid plan.
public enum ReadPlanner {
    public static func plan(_ channels: [ChannelDefinition], maxGap: Int = 0, maxRegisters: Int = 125) -> ReadPlan {
        var requests: [ReadRequest] = []
        for table in RegisterTable.allCases.sorted() {
            let limit = table.holdsBits ? table.maxItemsPerRequest : min(maxRegisters, table.maxItemsPerRequest)
            let indexes = channels.indices.filter { channels[$0].table == table }
                .sorted { (channels[$0].address, $0) < (channels[$1].address, $1) }
            var current: ReadRequest?
            for index in indexes {
                let span = channels[index].addresses
                if var request = current {
                    let end = request.addresses.upperBound
                    let newEnd = max(end, span.upperBound)
                    if span.lowerBound - end <= maxGap && newEnd - request.address <= limit {
                        request.count = newEnd - request.address
                        request.channels.append(index)
                        current = request
                        continue
                    }
                    requests.append(request)
                }
                current = ReadRequest(table: table, address: span.lowerBound, count: span.count, channels: [index])
            }
            if let current { requests.append(current) }
        }
        return ReadPlan(requests: requests)
    }
}
