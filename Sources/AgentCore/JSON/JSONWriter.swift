import Posix

/// Writes compact JSON into a buffer allocated once. Payloads are built here instead of through an encoder, so
/// a summary or status costs no Foundation and (for numbers up to 15 characters) no allocation.
///
/// Commas are placed automatically: call ``key(_:)`` before each member value and ``element()`` before each
/// array element. If a payload outgrows the capacity, ``overflowed`` turns true and further output is dropped;
/// callers size the writer from the payload's bound so that this does not happen.
public final class JSONWriter {
    private let storage: UnsafeMutableBufferPointer<UInt8>
    // A writer is used by one thread at a time: no dynamic exclusivity checks on every byte.
    @exclusivity(unchecked) public private(set) var count = 0
    @exclusivity(unchecked) public private(set) var overflowed = false
    /// One bit per nesting level: set when the level already holds a member or element.
    @exclusivity(unchecked) private var hasItems: UInt64 = 0
    @exclusivity(unchecked) private var depth = 0

    /// The storage is not zeroed: only written bytes are read, and a large writer (a summary's, sized for the
    /// worst case of its board) gets its own mapping from malloc, whose pages stay out of the resident set until a
    /// payload reaches them.
    public init(capacity: Int) {
        self.storage = .allocate(capacity: capacity)
    }

    deinit { self.storage.deallocate() }

    public var capacity: Int { self.storage.count }

    public func reset() {
        self.count = 0
        self.overflowed = false
        self.hasItems = 0
        self.depth = 0
    }

    /// The bytes written so far.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: self.storage[0..<self.count]))
    }

    public var text: String { String(decoding: self.bytes, as: UTF8.self) }

    // MARK: Structure

    public func beginObject() { self.open(UInt8(ascii: "{")) }
    public func endObject() { self.close(UInt8(ascii: "}")) }
    public func beginArray() { self.open(UInt8(ascii: "[")) }
    public func endArray() { self.close(UInt8(ascii: "]")) }

    /// Writes `"name":`, preceded by a comma when needed.
    public func key(_ name: String) {
        self.separate()
        self.quoted(name)
        self.byte(UInt8(ascii: ":"))
    }

    /// Writes `"name":` for a name known at compile time that needs no escaping (a member of a payload's schema):
    /// copied as it is, without the scan ``key(_:)`` makes for characters to escape.
    public func key(literal name: StaticString) {
        self.separate()
        self.byte(UInt8(ascii: "\""))
        self.raw(name)
        self.raw("\":")
    }

    /// Writes a member name rendered beforehand (`"name":`, e.g. by ``key(_:)`` into another writer), preceded by a
    /// comma when needed: a name written at every interval is escaped once.
    public func key(rendered: UnsafeRawBufferPointer) {
        self.separate()
        self.append(rendered.assumingMemoryBound(to: UInt8.self))
    }

    /// Call before each array element.
    public func element() { self.separate() }

    // MARK: Values

    public func string(_ value: String) { self.quoted(value) }

    /// A string known at compile time that needs no escaping, copied as it is.
    public func string(literal value: StaticString) {
        self.byte(UInt8(ascii: "\""))
        self.raw(value)
        self.byte(UInt8(ascii: "\""))
    }

    /// A value rendered beforehand (a quoted string, e.g. by ``string(_:)`` into another writer), copied as it is.
    public func value(rendered: UnsafeRawBufferPointer) {
        self.append(rendered.assumingMemoryBound(to: UInt8.self))
    }

    public func integer(_ value: Int64) {
        if value < 0 {
            self.byte(UInt8(ascii: "-"))
            self.unsigned(value == .min ? UInt64(Int64.max) + 1 : UInt64(-value))
        } else {
            self.unsigned(UInt64(value))
        }
    }

    public func integer(_ value: Int) { self.integer(Int64(value)) }

    /// A number; NaN and infinities are written as `null` (JSON has no such numbers). Integral values below
    /// 10^15 are written without a fraction (`12`, not `12.0`); others in Swift's shortest round-trip form.
    public func number(_ value: Double) {
        guard value.isFinite else {
            self.raw("null")
            return
        }
        if value == value.rounded(.towardZero) && abs(value) < 1e15 {
            if value == 0 && value.sign == .minus {
                self.raw("0")
            } else {
                self.integer(Int64(value))
            }
            return
        }
        self.shortest(value)
    }

    /// A number derived from float32 readings, rounded to float32 precision and written in the shortest form that
    /// round-trips as float32 (`180.89929`, not `180.8992919921875`): digits beyond the source's precision are noise.
    public func number(float32 value: Double) {
        let single = Float(value)
        guard value.isFinite, single.isFinite, value != value.rounded(.towardZero) else {
            self.number(value)
            return
        }
        self.shortest(single)
    }

    /// For a finite value (callers check), the same characters as `value.description` (Swift's shortest form that
    /// round-trips; `write(to:)` differs only in how it shows a NaN's payload), written without
    /// making a String: `write(to:)` hands its digits over as ASCII bytes (`_writeASCII`), where `description`
    /// allocates for the 16 characters and more of most fractions (a summary has two or three a channel).
    private func shortest<F: BinaryFloatingPoint & TextOutputStreamable>(_ value: F) {
        var sink = Sink(writer: self)
        value.write(to: &sink)
    }

    private struct Sink: TextOutputStream {
        let writer: JSONWriter
        mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { self.writer.append(buffer) }
        mutating func write(_ string: String) {
            var string = string
            string.withUTF8 { self.writer.append($0) }
        }
    }

    public func bool(_ value: Bool) { self.raw(value ? "true" : "false") }

    public func null() { self.raw("null") }

    /// An RFC 3339 UTC timestamp with milliseconds, quoted: `"2026-11-26T16:01:19.123Z"`.
    public func timestamp(unixMilliseconds ms: Int64) {
        self.byte(UInt8(ascii: "\""))
        CivilTime(unixMilliseconds: ms).withRFC3339 { self.append($0) }
        self.byte(UInt8(ascii: "\""))
    }

    // MARK: Bytes

    public func raw(_ text: StaticString) {
        self.append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private func open(_ b: UInt8) {
        self.byte(b)
        self.depth += 1
        if self.depth < 64 { self.hasItems &= ~(1 << UInt64(self.depth)) }
    }

    private func close(_ b: UInt8) {
        self.depth -= 1
        self.byte(b)
    }

    private func separate() {
        let bit: UInt64 = self.depth < 64 ? 1 << UInt64(self.depth) : 0
        if self.hasItems & bit != 0 { self.byte(UInt8(ascii: ",")) }
        self.hasItems |= bit
    }

    private func quoted(_ value: String) {
        self.byte(UInt8(ascii: "\""))
        // Ids and units need no escaping: copied at once.
        let plain = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            for b in bytes where b < 0x20 || b == 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
                return false
            }
            self.append(bytes)
            return true
        }
        if plain == true {
            self.byte(UInt8(ascii: "\""))
            return
        }
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\""): self.raw("\\\"")
            case UInt8(ascii: "\\"): self.raw("\\\\")
            case 0x0A: self.raw("\\n")
            case 0x0D: self.raw("\\r")
            case 0x09: self.raw("\\t")
            case 0..<0x20, 0x7F:
                self.raw("\\u00")
                self.byte(Self.hex[Int(b >> 4)])
                self.byte(Self.hex[Int(b & 0xF)])
            default: self.byte(b)
            }
        }
        self.byte(UInt8(ascii: "\""))
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// The digits are written from the last into a 20-byte buffer (UInt64.max has 20), then copied at once.
    private func unsigned(_ value: UInt64) {
        var tmp = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                   UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        withUnsafeMutableBytes(of: &tmp) { buf in
            var rest = value
            var start = buf.count
            repeat {
                start -= 1
                buf[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            self.append(UnsafeBufferPointer(start: buf.baseAddress!.assumingMemoryBound(to: UInt8.self) + start,
                                            count: buf.count - start))
        }
    }

    private func byte(_ b: UInt8) {
        guard self.count < self.storage.count else {
            self.overflowed = true
            return
        }
        self.storage[self.count] = b
        self.count += 1
    }

    private func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard self.count + bytes.count <= self.storage.count else {
            self.overflowed = true
            return
        }
        if let base = bytes.baseAddress, bytes.count > 0 {
            (self.storage.baseAddress! + self.count).update(from: base, count: bytes.count)
            self.count += bytes.count
        }
    }
}
