import Registers
import Testing

/// The simulator's encoder must invert the decoder for every type and order (it is checked against the
/// hand-built tables through the decoder, which those tables pin down independently).
struct RegisterEncoderTests {
    static let values: [(DataType, Double)] = [
        (.int16, -12345), (.uint16, 43981), (.int32, -123_456_789), (.uint32, 305_419_896),
        (.int64, -1_234_567_890_123_456_768), (.uint64, 72_623_859_790_382_848), (.float32, -0.5), (.float64, 123.456),
    ]

    @Test(arguments: ByteOrder.allCases)
    func roundTrips(_ order: ByteOrder) {
        for (type, value) in Self.values {
            let words = RegisterEncoder.encode(value, as: type, order: order)
            #expect(words.count == type.registerCount)
            #expect(RegisterDecoder.decode(words, as: type, order: order) == value, "\(type) \(order)")
        }
    }

    @Test func matchesHandBuiltFloat32Words() {
        #expect(RegisterEncoder.encode(Double(Float(123.456)), as: .float32, order: .BADC) == [0xF642, 0x79E9])
        #expect(RegisterEncoder.encode(Double(Float(123.456)), as: .float32, order: .CDAB) == [0xE979, 0x42F6])
    }

    @Test func clampsIntegersIntoRange() {
        #expect(RegisterEncoder.encode(70000, as: .int16, order: .ABCD) == [0x7FFF])
        #expect(RegisterEncoder.encode(-5, as: .uint16, order: .ABCD) == [0])
        #expect(RegisterEncoder.encode(.nan, as: .int32, order: .ABCD) == [0, 0])
        #expect(RegisterEncoder.encode(1e30, as: .uint64, order: .ABCD) == [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF])
    }
}
