import BoardFile
import Registers
import Testing

struct ReadPlannerTests {
    func channel(_ id: String, _ table: RegisterTable, _ address: Int, _ type: DataType = .uint16) -> ChannelDefinition {
        ChannelDefinition(id: id, table: table, address: address, type: type)
    }

    @Test func mergesContiguousChannelsOfOneTable() {
        let plan = ReadPlanner.plan([
            channel("a", .holding, 100, .float32), channel("b", .holding, 102), channel("c", .holding, 103, .uint64),
            channel("d", .holding, 110),
        ])
        #expect(plan.requests.map(\.description) == ["holding 100..106 (7 registers)", "holding 110 (1 register)"])
        #expect(plan.requests[0].channels == [0, 1, 2])
        #expect(plan.registersPerCycle == 8)
    }

    @Test func separatesTablesAndOrdersThemByFunctionCode() {
        let plan = ReadPlanner.plan([
            channel("h", .holding, 0), channel("i", .input, 0), channel("c", .coil, 0, .bool),
            channel("d", .discrete, 0, .bool), channel("c2", .coil, 1, .bool),
        ])
        #expect(plan.requests.map(\.table) == [.coil, .discrete, .holding, .input])
        #expect(plan.requests[0].count == 2 && plan.requests[0].channels == [2, 4])
        #expect(plan.bitsPerCycle == 3 && plan.registersPerCycle == 2)
    }

    @Test func neverExceeds125RegistersAndNeverSplitsAChannel() {
        let channels = (0..<70).map { channel("c\($0)", .input, $0 * 2, .float32) }  // 140 contiguous registers
        let plan = ReadPlanner.plan(channels)
        #expect(plan.requests.map(\.count) == [124, 16])
        #expect(plan.requests.allSatisfy { $0.count <= 125 })
        #expect(plan.requests.flatMap(\.channels) == Array(0..<70))
    }

    @Test func neverExceeds2000Bits() {
        let channels = (0..<2500).map { channel("b\($0)", .discrete, $0, .bool) }
        let plan = ReadPlanner.plan(channels)
        #expect(plan.requests.map(\.count) == [2000, 500])
    }

    @Test func bridgesGapsOnlyUpToMaxGap() {
        let channels = [channel("a", .holding, 0), channel("b", .holding, 5), channel("c", .holding, 20)]
        #expect(ReadPlanner.plan(channels).requests.count == 3)
        #expect(ReadPlanner.plan(channels, maxGap: 4).requests.map(\.count) == [6, 1])
        #expect(ReadPlanner.plan(channels, maxGap: 14).requests.map(\.count) == [21])
    }
}
