import Registers
import Testing

/// Decoding of every type and byte order from register contents written out by hand (A = most significant byte
/// on the wire). The expected words come from the value's IEEE/two's-complement bytes, not from any encoder of
/// ours and not from libmodbus' `modbus_set_float_*` (which disagree with its own readers: libmodbus #611, #807).
struct RegisterDecoderTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var type: DataType
        var order: ByteOrder
        var words: [UInt16]
        var expected: Double
        var testDescription: String { "\(type) \(order) \(words.map { String($0, radix: 16) })" }
    }

    static let cases: [Case] = [
        // float32 123.456 = 0x42F6E979
        Case(type: .float32, order: .ABCD, words: [0x42F6, 0xE979], expected: Double(Float(123.456))),
        Case(type: .float32, order: .CDAB, words: [0xE979, 0x42F6], expected: Double(Float(123.456))),
        Case(type: .float32, order: .BADC, words: [0xF642, 0x79E9], expected: Double(Float(123.456))),
        Case(type: .float32, order: .DCBA, words: [0x79E9, 0xF642], expected: Double(Float(123.456))),
        // float32 -0.5 = 0xBF000000
        Case(type: .float32, order: .ABCD, words: [0xBF00, 0x0000], expected: -0.5),
        Case(type: .float32, order: .CDAB, words: [0x0000, 0xBF00], expected: -0.5),
        Case(type: .float32, order: .BADC, words: [0x00BF, 0x0000], expected: -0.5),
        Case(type: .float32, order: .DCBA, words: [0x0000, 0x00BF], expected: -0.5),
        // int32 -123456789 = 0xF8A432EB
        Case(type: .int32, order: .ABCD, words: [0xF8A4, 0x32EB], expected: -123_456_789),
        Case(type: .int32, order: .CDAB, words: [0x32EB, 0xF8A4], expected: -123_456_789),
        Case(type: .int32, order: .BADC, words: [0xA4F8, 0xEB32], expected: -123_456_789),
        Case(type: .int32, order: .DCBA, words: [0xEB32, 0xA4F8], expected: -123_456_789),
        // uint32 0x12345678 = 305419896
        Case(type: .uint32, order: .ABCD, words: [0x1234, 0x5678], expected: 305_419_896),
        Case(type: .uint32, order: .CDAB, words: [0x5678, 0x1234], expected: 305_419_896),
        Case(type: .uint32, order: .BADC, words: [0x3412, 0x7856], expected: 305_419_896),
        Case(type: .uint32, order: .DCBA, words: [0x7856, 0x3412], expected: 305_419_896),
        Case(type: .uint32, order: .ABCD, words: [0xFFFF, 0xFFFF], expected: 4_294_967_295),
        // int16 -12345 = 0xCFC7; 16-bit types: ABCD/CDAB read [AB], BADC/DCBA read [BA]
        Case(type: .int16, order: .ABCD, words: [0xCFC7], expected: -12345),
        Case(type: .int16, order: .CDAB, words: [0xCFC7], expected: -12345),
        Case(type: .int16, order: .BADC, words: [0xC7CF], expected: -12345),
        Case(type: .int16, order: .DCBA, words: [0xC7CF], expected: -12345),
        // uint16 0xABCD = 43981
        Case(type: .uint16, order: .ABCD, words: [0xABCD], expected: 43981),
        Case(type: .uint16, order: .CDAB, words: [0xABCD], expected: 43981),
        Case(type: .uint16, order: .BADC, words: [0xCDAB], expected: 43981),
        Case(type: .uint16, order: .DCBA, words: [0xCDAB], expected: 43981),
        // int64 -1234567890123456789 = 0xEEDDEF0B82167EEB (beyond 2^53: the exact bits are checked by assemblesExactBits)
        Case(type: .int64, order: .ABCD, words: [0xEEDD, 0xEF0B, 0x8216, 0x7EEB], expected: Double(Int64(-1_234_567_890_123_456_789))),
        Case(type: .int64, order: .CDAB, words: [0x7EEB, 0x8216, 0xEF0B, 0xEEDD], expected: Double(Int64(-1_234_567_890_123_456_789))),
        Case(type: .int64, order: .BADC, words: [0xDDEE, 0x0BEF, 0x1682, 0xEB7E], expected: Double(Int64(-1_234_567_890_123_456_789))),
        Case(type: .int64, order: .DCBA, words: [0xEB7E, 0x1682, 0x0BEF, 0xDDEE], expected: Double(Int64(-1_234_567_890_123_456_789))),
        // uint64 0x0102030405060708 = 72623859790382856
        Case(type: .uint64, order: .ABCD, words: [0x0102, 0x0304, 0x0506, 0x0708], expected: Double(UInt64(72_623_859_790_382_856))),
        Case(type: .uint64, order: .CDAB, words: [0x0708, 0x0506, 0x0304, 0x0102], expected: Double(UInt64(72_623_859_790_382_856))),
        Case(type: .uint64, order: .BADC, words: [0x0201, 0x0403, 0x0605, 0x0807], expected: Double(UInt64(72_623_859_790_382_856))),
        Case(type: .uint64, order: .DCBA, words: [0x0807, 0x0605, 0x0403, 0x0201], expected: Double(UInt64(72_623_859_790_382_856))),
        // float64 123.456 = 0x405EDD2F1A9FBE77
        Case(type: .float64, order: .ABCD, words: [0x405E, 0xDD2F, 0x1A9F, 0xBE77], expected: 123.456),
        Case(type: .float64, order: .CDAB, words: [0xBE77, 0x1A9F, 0xDD2F, 0x405E], expected: 123.456),
        Case(type: .float64, order: .BADC, words: [0x5E40, 0x2FDD, 0x9F1A, 0x77BE], expected: 123.456),
        Case(type: .float64, order: .DCBA, words: [0x77BE, 0x9F1A, 0x2FDD, 0x5E40], expected: 123.456),
        // float64 -0.000123 = 0xBF201F31F46ED246
        Case(type: .float64, order: .ABCD, words: [0xBF20, 0x1F31, 0xF46E, 0xD246], expected: -0.000123),
        Case(type: .float64, order: .DCBA, words: [0x46D2, 0x6EF4, 0x311F, 0x20BF], expected: -0.000123),
        // bool in a register table: non-zero is true
        Case(type: .bool, order: .ABCD, words: [0x0000], expected: 0),
        Case(type: .bool, order: .ABCD, words: [0x0100], expected: 1),
    ]

    @Test(arguments: cases)
    func decodes(_ c: Case) {
        #expect(RegisterDecoder.decode(c.words, as: c.type, order: c.order) == c.expected)
    }

    @Test(arguments: ByteOrder.allCases)
    func assemblesExactBits(_ order: ByteOrder) {
        let wire: [ByteOrder: [UInt16]] = [
            .ABCD: [0x0102, 0x0304, 0x0506, 0x0708], .CDAB: [0x0708, 0x0506, 0x0304, 0x0102],
            .BADC: [0x0201, 0x0403, 0x0605, 0x0807], .DCBA: [0x0807, 0x0605, 0x0403, 0x0201],
        ]
        let bits = wire[order]!.withUnsafeBufferPointer { RegisterDecoder.assemble($0, count: 4, order: order) }
        #expect(bits == 0x0102_0304_0506_0708)
    }

    @Test func float32HelperAgreesWithTheIssueExample() {
        // float32 123.456 = 0x42F6E979, as the issue and libmodbus' modbus_get_float_* readers spell it.
        let bits = RegisterDecoder.decode([0x42F6, 0xE979], as: .uint32, order: .ABCD)
        #expect(bits == Double(0x42F6_E979))
    }

    @Test func nonFiniteFloatsDecodeAsThemselves() {
        #expect(RegisterDecoder.decode([0x7FC0, 0x0000], as: .float32, order: .ABCD).isNaN)
        #expect(RegisterDecoder.decode([0x7F80, 0x0000], as: .float32, order: .ABCD) == .infinity)
    }
}
