import Sparkplug
import Testing

struct SparkplugPayloadTests {
    @Test func dataMetricEncodesAsTheProtoSaysByteForByte() {
        // Payload{timestamp: 1, metrics: [{alias: 5, int_value: Int16 -1}], seq: 3}, encoded by hand from
        // sparkplug_b.proto: 08 01 | 12 06 (10 05 50 FF FF 03) | 18 03.
        var encoder = PayloadEncoder()
        encoder.begin(timestamp: 1)
        encoder.metric(alias: 5, datatype: .int16, writeDatatype: false, value: .number(-1))
        encoder.finish(seq: 3)
        #expect(encoder.bytes == [0x08, 0x01, 0x12, 0x06, 0x10, 0x05, 0x50, 0xFF, 0xFF, 0x03, 0x18, 0x03])
    }

    @Test func integersUseTheirWidthInTwosComplementAndSaturate() {
        #expect(PayloadEncoder.integerBitsForTests(-1, .int8) == 0xFF)
        #expect(PayloadEncoder.integerBitsForTests(-2, .int32) == 0xFFFF_FFFE)
        #expect(PayloadEncoder.integerBitsForTests(-1, .int64) == UInt64.max)
        #expect(PayloadEncoder.integerBitsForTests(40000, .int16) == 0x7FFF)
        #expect(PayloadEncoder.integerBitsForTests(-40000, .int16) == 0x8000)
        #expect(PayloadEncoder.integerBitsForTests(70000, .uint16) == 0xFFFF)
        #expect(PayloadEncoder.integerBitsForTests(-3, .uint32) == 0)
        #expect(PayloadEncoder.integerBitsForTests(4_000_000_000, .uint32) == 4_000_000_000)
        #expect(PayloadEncoder.integerBitsForTests(12.6, .uint8) == 13)
    }

    @Test func nestedMessagesOfEveryLengthSizeAreWellFormed() throws {
        // Lengths that take 1 to 4 bytes of varint: the reserve is shifted away correctly.
        for length in [0, 1, 127, 128, 300, 16_383, 16_384, 70_000, 2_097_152] {
            var encoder = PayloadEncoder()
            encoder.begin(timestamp: 42)
            encoder.metric(name: String(repeating: "x", count: length), alias: 7, datatype: .boolean,
                           writeDatatype: true, value: .number(1))
            encoder.finish(seq: 9)
            var reader = ProtobufReader(encoder.bytes[...])
            var fields: [Int] = []
            while let (field, value) = try reader.next() {
                fields.append(field)
                if field == 2, case .bytes(let body) = value {
                    var metric = ProtobufReader(body)
                    var name = 0, alias: UInt64 = 0, bool: UInt64 = 0
                    while let (f, v) = try metric.next() {
                        switch (f, v) {
                        case (1, .bytes(let b)): name = b.count
                        case (2, .varint(let a)): alias = a
                        case (14, .varint(let b)): bool = b
                        default: break
                        }
                    }
                    #expect(name == length && alias == 7 && bool == 1)
                }
            }
            #expect(fields == [1, 2, 3])
        }
    }

    @Test func replayedRecordsGetSeqAndTheHistoricalFlagAndLoseTheSpoolMark() throws {
        var encoder = PayloadEncoder()
        encoder.begin(timestamp: 1000)
        encoder.metric(alias: 20, timestamp: 999, datatype: .double, writeDatatype: false, value: .number(2.5))
        encoder.metric(alias: 21, datatype: .float, writeDatatype: false, value: .null(quality: PayloadEncoder.qualityBad))
        encoder.mark("table-1")
        encoder.finish(seq: nil)
        var out = ProtobufWriter()
        let mark = try PayloadRewriter.prepare(encoder.bytes, seq: 200, historical: true, into: &out)
        #expect(mark.map { Array($0) } == Array("table-1".utf8))
        struct Metric: Equatable { var alias: UInt64?, timestamp: UInt64?, double: UInt64?, null = false, historical = 0 }
        func read(_ bytes: [UInt8]) throws -> (seqs: [UInt64], uuid: Bool, metrics: [Metric]) {
            var reader = ProtobufReader(bytes[...])
            var seqs: [UInt64] = [], uuid = false, metrics: [Metric] = []
            while let (field, value) = try reader.next() {
                if field == 3, case .varint(let s) = value { seqs.append(s) }
                if field == 4 { uuid = true }
                if field == 2, case .bytes(let body) = value {
                    var m = Metric()
                    var r = ProtobufReader(body)
                    while let (f, v) = try r.next() {
                        switch (f, v) {
                        case (2, .varint(let a)): m.alias = a
                        case (3, .varint(let t)): m.timestamp = t
                        case (5, .varint(1)): m.historical += 1
                        case (7, .varint(1)): m.null = true
                        case (13, .fixed64(let d)): m.double = d
                        default: break
                        }
                    }
                    metrics.append(m)
                }
            }
            return (seqs, uuid, metrics)
        }
        let replayed = try read(out.bytes)
        #expect(replayed.seqs == [200] && !replayed.uuid)
        #expect(replayed.metrics == [Metric(alias: 20, timestamp: 999, double: 2.5.bitPattern, historical: 1),
                                     Metric(alias: 21, null: true, historical: 1)])
        // Live records keep their metrics as they are; a seq already present is replaced, not doubled.
        try PayloadRewriter.prepare(out.bytes, seq: 7, historical: false, into: &out)
        let again = try read(out.bytes)
        #expect(again.seqs == [7] && again.metrics.map(\.alias) == [20, 21])
        #expect(again.metrics.allSatisfy { $0.historical == 1 }, "a flag already set is kept once")
    }

    @Test func commandsAreDecodedAndRebirthRecognised() throws {
        var encoder = PayloadEncoder()
        encoder.begin(timestamp: 5)
        encoder.nodeMetric(name: "Node Control/Rebirth", datatype: .boolean, value: .number(1))
        encoder.nodeMetric(name: "Node Control/Reboot", datatype: .boolean, value: .number(1))
        encoder.finish(seq: nil)
        let metrics = try CommandMetric.decode(encoder.bytes)
        #expect(metrics.count == 2)
        #expect(metrics[0].isRebirthRequest && !metrics[1].isRebirthRequest)
        #expect(metrics[1].name == "Node Control/Reboot" && metrics[1].datatype == 11)
    }

    @Test func malformedCommandsAreErrorsNotCrashes() {
        let inputs: [[UInt8]] = [
            [0x12, 0x05, 0x0A],                    // metric longer than the payload
            [0x12, 0x02, 0x0A, 0x09],              // name longer than the metric
            [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],  // varint over 10 bytes
            [0x0B],                                 // group wire type
            [0x12, 0x03, 0x0A, 0x01, 0xFF],        // name not UTF-8
            [0x00],                                 // field 0
        ]
        for input in inputs {
            #expect(throws: ProtobufError.self) { try CommandMetric.decode(input) }
        }
    }
}
