/// A protobuf (proto2 wire format) writer into a byte buffer that keeps its capacity between messages, so that
/// steady-state encoding does not allocate. Nested messages are written in place: a length placeholder of
/// ``lengthReserve`` bytes is reserved and patched (shifting the body when the length takes fewer bytes).
public struct ProtobufWriter: Sendable {
    public private(set) var bytes: [UInt8]
    private var openMessages: [Int] = []

    /// Bytes reserved for a nested message's length (enough for 2^28 - 1).
    static let lengthReserve = 4

    public init(capacity: Int = 1024) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
        self.openMessages.reserveCapacity(4)
    }

    public mutating func reset() {
        self.bytes.removeAll(keepingCapacity: true)
        self.openMessages.removeAll(keepingCapacity: true)
    }

    public mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            self.bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        self.bytes.append(UInt8(v))
    }

    public mutating func tag(_ field: Int, wireType: UInt8) {
        self.varint(UInt64(field) << 3 | UInt64(wireType))
    }

    public mutating func uint64(_ field: Int, _ value: UInt64) {
        self.tag(field, wireType: 0)
        self.varint(value)
    }

    public mutating func bool(_ field: Int, _ value: Bool) {
        self.tag(field, wireType: 0)
        self.bytes.append(value ? 1 : 0)
    }

    public mutating func float(_ field: Int, _ value: Float) {
        self.tag(field, wireType: 5)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 32, by: 8) { self.bytes.append(UInt8(truncatingIfNeeded: bits >> UInt32(shift))) }
    }

    public mutating func double(_ field: Int, _ value: Double) {
        self.tag(field, wireType: 1)
        let bits = value.bitPattern
        for shift in stride(from: 0, to: 64, by: 8) { self.bytes.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    public mutating func string(_ field: Int, _ value: String) {
        self.tag(field, wireType: 2)
        var value = value
        value.withUTF8 { utf8 in
            self.varint(UInt64(utf8.count))
            self.bytes.append(contentsOf: utf8)
        }
    }

    public mutating func rawBytes(_ field: Int, _ value: UnsafeRawBufferPointer) {
        self.tag(field, wireType: 2)
        self.varint(UInt64(value.count))
        self.bytes.append(contentsOf: value)
    }

    /// Starts a nested message in `field`; end it with ``endMessage()``.
    public mutating func beginMessage(_ field: Int) {
        self.tag(field, wireType: 2)
        self.openMessages.append(self.bytes.count)
        for _ in 0..<Self.lengthReserve { self.bytes.append(0) }
    }

    public mutating func endMessage() {
        let start = self.openMessages.removeLast()
        let bodyStart = start + Self.lengthReserve
        let length = self.bytes.count - bodyStart
        precondition(length < 1 << 28, "nested message of 256 MiB or more")
        var prefix: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        var n = 0
        var v = UInt64(length)
        withUnsafeMutableBytes(of: &prefix) { p in
            while v >= 0x80 {
                p[n] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                n += 1
            }
            p[n] = UInt8(v)
            n += 1
        }
        withUnsafeBytes(of: prefix) { p in
            for i in 0..<n { self.bytes[start + i] = p[i] }
        }
        if n < Self.lengthReserve {
            // Shift the body left over the unused reserve.
            let gap = Self.lengthReserve - n
            self.bytes.withUnsafeMutableBufferPointer { b in
                // Forward copy: the destination starts before the source.
                for i in 0..<length { b[start + n + i] = b[bodyStart + i] }
            }
            self.bytes.removeLast(gap)
        }
    }
}

extension ProtobufWriter {
    /// Writes a field read by ``ProtobufReader`` back unchanged.
    public mutating func field(_ field: Int, _ value: ProtobufReader.Value) {
        switch value {
        case .varint(let v):
            self.uint64(field, v)
        case .fixed64(let v):
            self.tag(field, wireType: 1)
            for shift in stride(from: 0, to: 64, by: 8) { self.bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(shift))) }
        case .fixed32(let v):
            self.tag(field, wireType: 5)
            for shift in stride(from: 0, to: 32, by: 8) { self.bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift))) }
        case .bytes(let b):
            self.tag(field, wireType: 2)
            self.varint(UInt64(b.count))
            self.bytes.append(contentsOf: b)
        }
    }

    /// Appends bytes as they are (the body of a nested message being copied).
    public mutating func append(_ raw: ArraySlice<UInt8>) {
        self.bytes.append(contentsOf: raw)
    }
}
