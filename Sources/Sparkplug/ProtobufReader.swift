/// Reads protobuf fields from untrusted bytes: every length is checked against what is left, and a malformed
/// message is a ``ProtobufError``, never a crash.
public struct ProtobufReader {
    public enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ArraySlice<UInt8>)
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    public var isAtEnd: Bool { self.position >= self.bytes.endIndex }

    mutating func readVarint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard self.position < self.bytes.endIndex else { throw .truncated }
            let byte = self.bytes[self.position]
            self.position += 1
            guard shift < 64 else { throw .malformed("varint longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// The next field (number and value), or nil at the end.
    public mutating func next() throws(ProtobufError) -> (field: Int, value: Value)? {
        guard !self.isAtEnd else { return nil }
        let key = try self.readVarint()
        let field = Int(truncatingIfNeeded: key >> 3)
        guard field > 0 else { throw .malformed("field number 0") }
        switch key & 7 {
        case 0:
            return (field, .varint(try self.readVarint()))
        case 1:
            guard self.bytes.endIndex - self.position >= 8 else { throw .truncated }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(self.bytes[self.position + i]) << UInt64(8 * i) }
            self.position += 8
            return (field, .fixed64(v))
        case 5:
            guard self.bytes.endIndex - self.position >= 4 else { throw .truncated }
            var v: UInt32 = 0
            for i in 0..<4 { v |= UInt32(self.bytes[self.position + i]) << UInt32(8 * i) }
            self.position += 4
            return (field, .fixed32(v))
        case 2:
            let length = try self.readVarint()
            guard length <= UInt64(self.bytes.endIndex - self.position) else { throw .truncated }
            let start = self.position
            self.position += Int(length)
            return (field, .bytes(self.bytes[start..<self.position]))
        default:
            throw .malformed("wire type \(key & 7) (groups are not used by Sparkplug)")
        }
    }
}
