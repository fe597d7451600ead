import Sparkplug
import SwiftProtobuf
import Testing

/// The agent's own Sparkplug encoder and decoder against swift-protobuf's types generated from the specification's
/// `sparkplug_b.proto` (`Generated/`, see scripts/gen-sparkplug-proto): what one writes the other reads.
struct SwiftProtobufCrossCheckTests {
    typealias Payload = Org_Eclipse_Tahu_Protobuf_Payload

    @Test func everyDatatypeDecodesAsTheProtoDefinesIt() throws {
        let cases: [(String, SparkplugDataType, MetricValue)] = [
            ("i8", .int8, .number(-2)), ("i16", .int16, .number(-12345)), ("i32", .int32, .number(-123_456_789)),
            ("i64", .int64, .number(-2)), ("u8", .uint8, .number(250)), ("u16", .uint16, .number(65000)),
            ("u32", .uint32, .number(4_000_000_000)), ("u64", .uint64, .number(9_007_199_254_740_992)),
            ("f", .float, .number(1.5)), ("d", .double, .number(2.25)), ("b", .boolean, .number(1)),
            ("s", .string, .text("héllo")), ("bad", .double, .null(quality: PayloadEncoder.qualityBad)),
        ]
        var encoder = PayloadEncoder()
        encoder.begin(timestamp: 1_764_000_000_000)
        for (i, c) in cases.enumerated() {
            encoder.metric(name: c.0, alias: UInt64(100 + i), timestamp: 1_764_000_000_001, datatype: c.1,
                           writeDatatype: true, value: c.2)
        }
        encoder.finish(seq: 5)
        let payload = try Payload(serializedBytes: encoder.bytes)
        #expect(payload.timestamp == 1_764_000_000_000 && payload.seq == 5 && !payload.hasUuid)
        #expect(payload.metrics.map(\.name) == cases.map(\.0))
        #expect(payload.metrics.map(\.alias) == (100..<(100 + UInt64(cases.count))).map { $0 })
        #expect(payload.metrics.allSatisfy { $0.timestamp == 1_764_000_000_001 })
        #expect(payload.metrics.map(\.datatype) == cases.map(\.1.rawValue))
        let m = Dictionary(uniqueKeysWithValues: payload.metrics.map { ($0.name, $0) })
        // Integers of 8 to 32 bits in int_value, 64-bit ones in long_value, negative values in their width's
        // two's complement.
        #expect(m["i8"]?.intValue == 254 && m["i16"]?.intValue == 53191 && m["i32"]?.intValue == 4_171_510_507)
        #expect(m["i64"]?.longValue == UInt64.max - 1 && m["u64"]?.longValue == 9_007_199_254_740_992)
        #expect(m["u8"]?.intValue == 250 && m["u16"]?.intValue == 65000 && m["u32"]?.intValue == 4_000_000_000)
        #expect(m["f"]?.floatValue == 1.5 && m["d"]?.doubleValue == 2.25 && m["b"]?.booleanValue == true)
        #expect(m["s"]?.stringValue == "héllo")
        let bad = try #require(m["bad"])
        #expect(bad.isNull && bad.value == nil && bad.properties.keys == ["Quality"])
        #expect(bad.properties.values.first?.type == 3 && bad.properties.values.first?.intValue == 0)
    }

    @Test func spooledRecordsAreSentHistoricalWithSeqAndWithoutTheirMark() throws {
        var encoder = PayloadEncoder()
        encoder.begin(timestamp: 7)
        encoder.metric(alias: 16, timestamp: 6, datatype: .uint16, writeDatatype: false, value: .number(42))
        encoder.mark("abc123")
        encoder.finish(seq: nil)
        let spooled = try Payload(serializedBytes: encoder.bytes)
        #expect(spooled.uuid == "abc123" && !spooled.hasSeq)
        var writer = ProtobufWriter()
        try PayloadRewriter.prepare(encoder.bytes, seq: 0, historical: true, into: &writer)
        let sent = try Payload(serializedBytes: writer.bytes)
        #expect(sent.hasSeq && sent.seq == 0 && !sent.hasUuid && sent.timestamp == 7)
        #expect(sent.metrics.count == 1 && sent.metrics[0].isHistorical && sent.metrics[0].alias == 16)
        #expect(sent.metrics[0].intValue == 42 && sent.metrics[0].timestamp == 6 && !sent.metrics[0].hasName)
    }

    @Test func commandsEncodedBySwiftProtobufAreRead() throws {
        var command = Payload()
        command.timestamp = 1
        var rebirth = Payload.Metric()
        rebirth.name = "Node Control/Rebirth"
        rebirth.datatype = SparkplugDataType.boolean.rawValue
        rebirth.booleanValue = true
        var byAlias = Payload.Metric()
        byAlias.alias = 1
        byAlias.booleanValue = true
        var write = Payload.Metric()
        write.name = "setpoint"
        write.doubleValue = 12.5
        command.metrics = [rebirth, byAlias, write]
        let bytes: [UInt8] = try command.serializedBytes()
        let metrics = try CommandMetric.decode(bytes)
        #expect(metrics.count == 3)
        #expect(metrics[0].isRebirthRequest && metrics[0].datatype == 11)
        #expect(metrics[1].name == nil && metrics[1].alias == 1 && metrics[1].boolean == true)
        #expect(metrics[2].name == "setpoint" && metrics[2].boolean == nil && !metrics[2].isRebirthRequest)
    }
}
