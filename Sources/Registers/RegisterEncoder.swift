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
        case .bool, .bit: bits = raw != 0 && !raw.isNaN ? 1 : 0
        case .int8: bits = UInt64(UInt8(bitPattern: clamp(raw, Int8.self)))
        case .uint8: bits = UInt64(clamp(raw, UInt8.self))
        case .float16: bits = UInt64(Float16(raw).bitPattern)
        case .string: bits = 0
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

    /// Encodes a channel's value into its registers, changing only the bits the channel owns (a bit, or a byte,
    /// of a register shared with other channels). Strings are written as `text`, NUL-padded.
    public static func encode(_ raw: Double, text: String = "", codec: ValueCodec,
                              into words: UnsafeMutableBufferPointer<UInt16>) {
        switch codec.type {
        case .bit:
            let mask: UInt16 = 1 << UInt16(codec.bit)
            words[0] = raw != 0 && !raw.isNaN ? words[0] | mask : words[0] & ~mask
        case .int8, .uint8:
            let byte = codec.type == .int8 ? UInt8(bitPattern: clamp(raw, Int8.self)) : clamp(raw, UInt8.self)
            words[0] = codec.byte == .high ? (words[0] & 0x00FF) | UInt16(byte) << 8 : (words[0] & 0xFF00) | UInt16(byte)
        case .string:
            var bytes = Array(text.utf8.prefix(codec.length * 2))
            bytes += [UInt8](repeating: 0, count: codec.length * 2 - bytes.count)
            for i in 0..<codec.length {
                var word = UInt16(bytes[2 * i]) << 8 | UInt16(bytes[2 * i + 1])
                if codec.order.swapsBytes { word = word.byteSwapped }
                words[codec.order.reversesWords ? codec.length - 1 - i : i] = word
            }
        default:
            encode(raw, as: codec.type, order: codec.order, into: words)
        }
    }

    static func clamp<T: FixedWidthInteger>(_ value: Double, _: T.Type) -> T {
        guard !value.isNaN else { return 0 }
        let rounded = value.rounded()
        if rounded <= Double(T.min) { return T.min }
        if rounded >= Double(T.max) { return T.max }
        return T(rounded)
    }
}
