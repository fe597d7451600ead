import Testing

import Spool

/// The spool's record checksum against published CRC-32C values (RFC 3720, appendix B.4) and a bit-at-a-time
/// reference, at every length and alignment around the 8-byte slices.
struct CRC32CTests {
    /// The polynomial applied one bit at a time: the definition, independent of the tables.
    static func reference(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        var crc = ~seed
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0x82F6_3B78 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }

    @Test func publishedCheckValues() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
    }

    @Test func everyLengthAndAlignmentMatchesTheBitwiseDefinition() {
        var generator = SystemRandomNumberGenerator()
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<9 {
            for length in 0...(data.count - start) where length < 40 || length % 37 == 0 {
                let slice = Array(data[start..<(start + length)])
                let sliced = data.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)])) }
                #expect(sliced == Self.reference(slice), "start \(start), length \(length)")
            }
        }
    }

    @Test func aSeedContinuesTheChecksum() {
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
            let first = CRC32C.checksum(Array(data[..<cut]))
            let whole = data.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[cut...]), seed: first) }
            #expect(whole == CRC32C.checksum(data), "cut at \(cut)")
        }
    }
}
