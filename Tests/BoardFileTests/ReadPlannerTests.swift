import BoardFile
import Registers
import Testing

struct ReadPlannerTests {
    func channel(_ id: String, _ table: RegisterTable, _ address: Int, _ type: DataType = .uint16,
                 poll: Duration? = nil) -> ChannelDefinition {
        ChannelDefinition(id: id, table: table, address: address, type: type, pollInterval: poll)
    }

    func device(_ channels: [ChannelDefinition], maxGap: Int = 0, maxRegisters: Int = 125) -> DeviceDefinition {
        DeviceDefinition(id: "d", transport: .tcp(Endpoint(host: "h", port: 502)), maxGap: maxGap,
                         maxRegisters: maxRegisters, channels: channels)
    }

    @Test func mergesContiguousChannelsOfOneTable() {
        let plan = ReadPlanner.plan(device([
            channel("a", .holding, 100, .float32), channel("b", .holding, 102), channel("c", .holding, 103, .uint64),
            channel("d", .holding, 110),
        ]))
        #expect(plan.requests.map(\.description) == ["holding 100..106 (7 registers)", "holding 110 (1 register)"])
        #expect(plan.requests[0].channels == [0, 1, 2])
        #expect(plan.registersPerCycle == 8)
    }

    @Test func separatesTablesAndOrdersThemByFunctionCode() {
        let plan = ReadPlanner.plan(device([
            channel("h", .holding, 0), channel("i", .input, 0), channel("c", .coil, 0, .bool),
            channel("d", .discrete, 0, .bool), channel("c2", .coil, 1, .bool),
        ]))
        #expect(plan.requests.map(\.table) == [.coil, .discrete, .holding, .input])
        #expect(plan.requests[0].count == 2 && plan.requests[0].channels == [2, 4])
        #expect(plan.bitsPerCycle == 3 && plan.registersPerCycle == 2)
    }

    @Test func neverExceeds125RegistersAndNeverSplitsAChannel() {
        let channels = (0..<70).map { channel("c\($0)", .input, $0 * 2, .float32) }  // 140 contiguous registers
        let plan = ReadPlanner.plan(device(channels))
        #expect(plan.requests.map(\.count) == [124, 16])
        #expect(plan.requests.flatMap(\.channels) == Array(0..<70))
    }

    @Test func respectsALowerMaxRegisters() {
        let channels = (0..<10).map { channel("c\($0)", .holding, $0 * 2, .float32) }
        #expect(ReadPlanner.plan(device(channels, maxRegisters: 16)).requests.map(\.count) == [16, 4])
        #expect(ReadPlanner.plan(device(channels, maxRegisters: 3)).requests.count == 10)
    }

    @Test func neverExceeds2000Bits() {
        let channels = (0..<2500).map { channel("b\($0)", .discrete, $0, .bool) }
        #expect(ReadPlanner.plan(device(channels)).requests.map(\.count) == [2000, 500])
    }

    @Test func bridgesGapsOnlyUpToMaxGap() {
        let channels = [channel("a", .holding, 0), channel("b", .holding, 5), channel("c", .holding, 20)]
        #expect(ReadPlanner.plan(device(channels)).requests.count == 3)
        #expect(ReadPlanner.plan(device(channels, maxGap: 4)).requests.map(\.count) == [6, 1])
        #expect(ReadPlanner.plan(device(channels, maxGap: 14)).requests.map(\.count) == [21])
    }

    @Test func readsASharedRegisterOnce() {
        var bits = (0..<16).map { channel("bit\($0)", .holding, 40, .bit) }
        for i in bits.indices { bits[i].bit = i }
        var high = channel("hi", .holding, 41, .uint8)
        high.byte = .high
        var low = channel("lo", .holding, 41, .int8)
        low.byte = .low
        let plan = ReadPlanner.plan(device(bits + [high, low]))
        #expect(plan.requests.map(\.description) == ["holding 40..41 (2 registers)"])
        #expect(plan.requests[0].channels.count == 18)
    }

    @Test func groupsChannelsByPollInterval() {
        let plan = ReadPlanner.plan(device([
            channel("fast1", .holding, 0), channel("slow", .holding, 1, poll: .seconds(60)), channel("fast2", .holding, 2),
            channel("fast3", .input, 5, poll: .milliseconds(100)),
        ], maxGap: 10))
        #expect(plan.groups.map(\.interval) == [.milliseconds(100), .seconds(1), .seconds(60)])
        #expect(plan.groups[0].requests.map(\.description) == ["input 5 (1 register)"])
        #expect(plan.groups[1].requests.map(\.description) == ["holding 0..2 (3 registers)"])
        #expect(plan.groups[1].requests[0].channels == [0, 2])
        #expect(plan.groups[2].requests.map(\.description) == ["holding 1 (1 register)"])
    }
}

/// The planner is optimal: on random small layouts, its number of requests equals the minimum found by trying
/// every partition of the channels into requests (an oracle that assumes nothing about how good plans look).
struct ReadPlannerOptimalityTests {
    /// SplitMix64, seeded: the layouts are the same on every run.
    struct Random {
        var state: UInt64
        mutating func next(_ range: ClosedRange<Int>) -> Int {
            self.state &+= 0x9E37_79B9_7F4A_7C15
            var z = self.state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return range.lowerBound + Int(z % UInt64(range.count))
        }
    }

    /// A request reading `members` is valid when it fits the limit and no hole of unread registers inside it is
    /// longer than `maxGap`.
    static func isValid(_ spans: [Range<Int>], _ members: [Int], maxGap: Int, limit: Int) -> Bool {
        let start = members.map { spans[$0].lowerBound }.min()!
        let end = members.map { spans[$0].upperBound }.max()!
        guard end - start <= limit else { return false }
        var covered = Set<Int>()
        for m in members { covered.formUnion(spans[m]) }
        var hole = 0
        for r in start..<end {
            hole = covered.contains(r) ? 0 : hole + 1
            if hole > maxGap { return false }
        }
        return true
    }

    /// The fewest valid requests over all set partitions of the channels.
    static func oracle(_ spans: [Range<Int>], maxGap: Int, limit: Int) -> Int {
        var best = Int.max
        var blocks: [[Int]] = []
        func place(_ i: Int) {
            if blocks.count >= best { return }
            if i == spans.count {
                if blocks.allSatisfy({ isValid(spans, $0, maxGap: maxGap, limit: limit) }) { best = blocks.count }
                return
            }
            for b in blocks.indices {
                blocks[b].append(i)
                if isValid(spans, blocks[b], maxGap: maxGap, limit: limit) { place(i + 1) }
                blocks[b].removeLast()
            }
            blocks.append([i])
            place(i + 1)
            blocks.removeLast()
        }
        place(0)
        return best
    }

    @Test func greedyMatchesTheBruteForceOracle() {
        var random = Random(state: 42)
        for trial in 0..<400 {
            let count = random.next(1...7)
            var spans: [Range<Int>] = []
            var cursor = random.next(0...3)
            for _ in 0..<count {
                let width = [1, 1, 2, 2, 4][random.next(0...4)]
                spans.append(cursor..<(cursor + width))
                cursor += width + [0, 0, 1, 2, 3, 6][random.next(0...5)]
            }
            let maxGap = random.next(0...4)
            let limit = random.next(4...14)
            guard spans.allSatisfy({ $0.count <= limit }) else { continue }
            let runs = ReadPlanner.pack(spans, maxGap: maxGap, limit: limit)
            // The greedy plan is valid: every channel once, every request within the rules…
            #expect(runs.flatMap(\.members).sorted() == Array(spans.indices), "trial \(trial)")
            for run in runs {
                #expect(Self.isValid(spans, run.members, maxGap: maxGap, limit: limit), "trial \(trial) \(spans)")
            }
            // …and no valid plan has fewer requests.
            let optimum = Self.oracle(spans, maxGap: maxGap, limit: limit)
            #expect(runs.count == optimum, "trial \(trial): spans \(spans), max_gap \(maxGap), limit \(limit)")
        }
    }
}
