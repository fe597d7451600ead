/// Encodes numbers into register contents: the inverse of ``RegisterDecoder``. Used by the simulator to serve
/// values. Tests check the decoder against hand-built registers and pymodbus, never against this encoder.
public enum RegisterEncoder {
    /// Writes `bits` (the value's bytes in significance order in the low bits) as `count` words in `order`.
    public static func scatter(_ bits: UInt64, count: Int, order: ByteOrder, into words: UnsafeMutableBufferPointer<UInt16>) {
        precondition(count >= 1 && count <= 4 && words.count >= count, "scatter needs 1 to 4 words")
        for i in 0..<count {
            let shift = UInt64(16 * (count - 1 - i))
            var word = UInt16(truncatingIfNeeded: bits >> shift)
            if order.swapsBytes { word = word.byteSwapped }
            words[order.reversesWords ? count - 1 - i : i] = word
        }
    }

    /// Encodes the raw value, rounding and clamping it into the integer types' ranges.
    public static func encode(_ raw: Double, as type: DataType, order: ByteOrder, into words: UnsafeMutableBufferPointer<UInt16>) {
        let bits: UInt64
        switch type {
        case .bool: bits = raw != 0 && !raw.isNaN ? 1 : 0
        case .int16: bits = UInt64(UInt16(bitPattern: clamp(raw, Int16.self)))
        case .uint16: bits = UInt64(clamp(raw, UInt16.self))
        case .int32: bits = UInt64(UInt32(bitPattern: clamp(raw, Int32.self)))
        case .uint32: bits = UInt64(clamp(raw, UInt32.self))
        case .int64: bits = UInt64(bitPattern: clamp(raw, Int64.self))
        case .uint64: bits = clamp(raw, UInt64.self)
        case .float32: bits = UInt64(Float(raw).bitPattern)
        case .float64: bits = raw.bitPattern
        }
        scatter(bits, count: type.registerCount, order: order, into: words)
    }

    public static func encode(_ raw: Double, as type: DataType, order: ByteOrder) -> [UInt16] {
        var words = [UInt16](repeating: 0, count: type.registerCount)
        words.withUnsafeMutableBufferPointer { encode(raw, as: type, order: order, into: $0) }
        return words
    }

    static func clamp<T: FixedWidthInteger>(_ value: Double, _: T.Type) -> T {
        guard !value.isNaN else { return 0 }
        let rounded = value.rounded()
        if rounded <= Double(T.min) { return T.min }
        if rounded >= Double(T.max) { return T.max }
        return T(rounded)
    }
}
