/// Decodes raw register contents into numbers. Pure functions over caller-owned memory: no allocation.
public enum RegisterDecoder {
    /// Puts the value's bytes in significance order (A first) into the low `8 * 2 * count` bits.
    @inlinable
    public static func assemble(_ words: UnsafeBufferPointer<UInt16>, count: Int, order: ByteOrder) -> UInt64 {
        precondition(count >= 1 && count <= 4 && words.count >= count, "assemble needs 1 to 4 words")
        var bits: UInt64 = 0
        for i in 0..<count {
            var word = words[order.reversesWords ? count - 1 - i : i]
            if order.swapsBytes { word = word.byteSwapped }
            bits = bits << 16 | UInt64(word)
        }
        return bits
    }

    /// The raw (unscaled) value of a whole-register `type` stored in `words` (at least `type.registerCount` of them).
    /// Sub-register types and strings go through ``ValueCodec``.
    ///
    /// 64-bit integers beyond 2^53 lose precision in the `Double` result; NaN and infinities of the float types
    /// are returned as they are (the caller decides what a non-finite reading means).
    @inlinable
    public static func decode(_ words: UnsafeBufferPointer<UInt16>, as type: DataType, order: ByteOrder) -> Double {
        let bits = assemble(words, count: type.registerCount, order: order)
        switch type {
        case .bool, .bit: return bits != 0 ? 1 : 0
        case .int8: return Double(Int8(truncatingIfNeeded: bits))
        case .uint8: return Double(UInt8(truncatingIfNeeded: bits))
        case .float16: return Double(Float16(bitPattern: UInt16(truncatingIfNeeded: bits)))
        case .string: return Double(bits)
        case .int16: return Double(Int16(truncatingIfNeeded: bits))
        case .uint16: return Double(UInt16(truncatingIfNeeded: bits))
        case .int32: return Double(Int32(truncatingIfNeeded: bits))
        case .uint32: return Double(UInt32(truncatingIfNeeded: bits))
        case .int64: return Double(Int64(bitPattern: bits))
        case .uint64: return Double(bits)
        case .float32: return Double(Float(bitPattern: UInt32(truncatingIfNeeded: bits)))
        case .float64: return Double(bitPattern: bits)
        }
    }

    /// Convenience for tests and tools: decodes from an array.
    public static func decode(_ words: [UInt16], as type: DataType, order: ByteOrder) -> Double {
        words.withUnsafeBufferPointer { decode($0, as: type, order: order) }
    }
}
