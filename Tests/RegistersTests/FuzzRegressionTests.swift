import Foundation
import Registers
import Testing

/// Inputs kept from fuzzing the register decoder (`Fuzz/Regressions/registers/`): byte 0 picks the type, 1 the
/// order, 2 byte and bit, 3 the length, the rest are the registers (big-endian pairs).
struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Regressions/registers")

    @Test func registerInputsDecode() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
        #expect(!names.isEmpty)
        for name in names {
            let b = Array(try Data(contentsOf: Self.directory.appendingPathComponent(name)))
            guard b.count >= 4 else { continue }
            let type = DataType.allCases[Int(b[0]) % DataType.allCases.count]
            let order = ByteOrder.allCases[Int(b[1]) % ByteOrder.allCases.count]
            let codec = ValueCodec(type: type, order: order, byte: b[2] & 0x80 != 0 ? .high : .low, bit: Int(b[2] & 0x0F),
                                   length: 1 + Int(b[3]) % 64)
            guard (b.count - 4) / 2 >= codec.registerCount else { continue }
            let words = (0..<codec.registerCount).map { UInt16(b[4 + 2 * $0]) << 8 | UInt16(b[5 + 2 * $0]) }
            let value = codec.decode(words)
            if name == "seed-float32" { #expect(value == Double(Float(123.456)), "\(type) \(order)") }
        }
    }
}
