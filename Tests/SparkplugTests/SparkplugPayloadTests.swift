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
        // Lengths that take 1, 2 and 3 bytes of varint: the reserve is shifted away correctly.
        for length in [0, 1, 127, 128, 300, 16_383, 16_384, 70_000] {
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

    @Test func replayedRecordsGetSeqAndTheHistoricalFlag() throws {
        var encoder = PayloadEncoder()
        encoder.begin(timestamp: 1000)
        encoder.metric(alias: 20, datatype: .double, writeDatatype: false, value: .number(2.5))
        encoder.metric(alias: 21, datatype: .float, writeDatatype: false, value: .null(quality: PayloadEncoder.qualityBad))
        encoder.finish(seq: nil)
        var out = ProtobufWriter()
        try PayloadRewriter.prepare(encoder.bytes, seq: 200, historical: true, into: &out)
        var reader = ProtobufReader(out.bytes[...])
        var historical = 0, seq: UInt64?, metrics = 0
        while let (field, value) = try reader.next() {
            if field == 3, case .varint(let s) = value { seq = s }
            if field == 2, case .bytes(let body) = value {
                metrics += 1
                var m = ProtobufReader(body)
                while let (f, v) = try m.next() { if f == 5, case .varint(1) = v { historical += 1 } }
            }
        }
        #expect(seq == 200 && metrics == 2 && historical == 2)
        // Live records keep their metrics as they are, and a seq already present is replaced, not doubled.
        try PayloadRewriter.prepare(out.bytes, seq: 7, historical: false, into: &out)
        #expect(out.bytes.filter { $0 == 0x18 }.count >= 1)
        var again = ProtobufReader(out.bytes[...])
        var seqs: [UInt64] = []
        while let (field, value) = try again.next() { if field == 3, case .varint(let s) = value { seqs.append(s) } }
        #expect(seqs == [7])
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
