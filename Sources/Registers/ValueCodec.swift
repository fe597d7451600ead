/// How one channel's registers turn into a value: the data type with its byte order, and for the sub-register
/// types which byte or bit. Compiled once per channel; ``decode(_:)`` allocates nothing.
public struct ValueCodec: Sendable, Hashable {
    public var type: DataType
    public var order: ByteOrder
    /// The byte of `int8`/`uint8`.
    public var byte: ByteSelect
    /// The bit (0 = least significant) of `bit`.
    public var bit: Int
    /// Registers of a `string`.
    public var length: Int

    public init(type: DataType, order: ByteOrder = .ABCD, byte: ByteSelect = .low, bit: Int = 0, length: Int = 1) {
        self.type = type
        self.order = order
        self.byte = byte
        self.bit = bit
        self.length = length
    }

    /// Registers read for the value.
    public var registerCount: Int { self.type == .string ? self.length : self.type.registerCount }

    /// The bits of its register that a sub-register channel uses (all 16 for other types).
    public var usedBits: UInt16 {
        switch self.type {
        case .bit: 1 << UInt16(self.bit)
        case .int8, .uint8: self.byte == .high ? 0xFF00 : 0x00FF
        default: 0xFFFF
        }
    }

    /// The raw (unscaled) value in `words` (at least ``registerCount`` of them). A `string` decodes to a 52-bit
    /// hash of its bytes (so that rings and change detection work on it); its text comes from ``text(_:)``.
    public func decode(_ words: UnsafeBufferPointer<UInt16>) -> Double {
        switch self.type {
        case .bit:
            return words[0] & (1 << UInt16(self.bit)) != 0 ? 1 : 0
        case .int8:
            return Double(Int8(bitPattern: self.selectByte(words[0])))
        case .uint8:
            return Double(self.selectByte(words[0]))
        case .float16:
            let bits = RegisterDecoder.assemble(words, count: 1, order: self.order)
            return Double(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
        case .string:
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            self.forEachByte(words) { hash = (hash ^ UInt64($0)) &* 0x100_0000_01B3 }
            return Double(hash & 0xF_FFFF_FFFF_FFFF)
        default:
            return RegisterDecoder.decode(words, as: self.type, order: self.order)
        }
    }

    /// The text of a `string`: its bytes in order, up to the first NUL, trailing spaces removed; bytes that are not
    /// UTF-8 become U+FFFD.
    public func text(_ words: UnsafeBufferPointer<UInt16>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.length * 2)
        var ended = false
        self.forEachByte(words) { b in
            if b == 0 { ended = true }
            if !ended { bytes.append(b) }
        }
        while bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func text(_ words: [UInt16]) -> String { words.withUnsafeBufferPointer { self.text($0) } }

    public func decode(_ words: [UInt16]) -> Double { words.withUnsafeBufferPointer { self.decode($0) } }

    private func selectByte(_ word: UInt16) -> UInt8 {
        UInt8(truncatingIfNeeded: self.byte == .high ? word >> 8 : word)
    }

    /// The string's bytes in reading order: word order reversed for CDAB/DCBA, bytes in each word swapped for
    /// BADC/DCBA (the 32-bit rule extended to `length` words).
    private func forEachByte(_ words: UnsafeBufferPointer<UInt16>, _ body: (UInt8) -> Void) {
        let n = self.length
        for i in 0..<n {
            let word = words[self.order.reversesWords ? n - 1 - i : i]
            let first = UInt8(truncatingIfNeeded: word >> 8), second = UInt8(truncatingIfNeeded: word)
            if self.order.swapsBytes {
                body(second)
                body(first)
            } else {
                body(first)
                body(second)
            }
        }
    }
}
