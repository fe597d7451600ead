/// The answer to Read Device Identification (function 0x2B, MEI type 0x0E): the device's identification objects.
///
/// libmodbus does not parse this response, so the agent frames it itself (``ModbusConnection``) and parses it
/// here: a pure function over bytes, fuzzed (`Fuzz/`), that rejects every malformed frame with a reason.
public struct DeviceIdentification: Sendable, Hashable {
    /// The objects read, by id (0x00 VendorName, 0x01 ProductCode, 0x02 MajorMinorRevision, 0x03 VendorUrl,
    /// 0x04 ProductName, 0x05 ModelName, 0x06 UserApplicationName, 0x80... private).
    public var objects: [UInt8: [UInt8]]
    /// The conformity level the device declared (0x01 basic, 0x02 regular, 0x03 extended; +0x80 individual
    /// access).
    public var conformityLevel: UInt8

    public init(objects: [UInt8: [UInt8]] = [:], conformityLevel: UInt8 = 0x01) {
        self.objects = objects
        self.conformityLevel = conformityLevel
    }

    /// The standard object names, as used in payloads.
    public static let objectNames: [UInt8: String] = [
        0x00: "vendor", 0x01: "product_code", 0x02: "revision", 0x03: "vendor_url", 0x04: "product_name",
        0x05: "model_name", 0x06: "user_application_name",
    ]

    /// An object's value as text: printable ASCII kept, anything else escaped as `\xNN` (the values come from
    /// the device and end up in JSON and logs).
    public func text(_ id: UInt8) -> String? {
        self.objects[id].map(Self.printable)
    }

    public static func printable(_ bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes {
            if b >= 0x20 && b < 0x7F && b != UInt8(ascii: "\\") {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let hex = Array("0123456789abcdef")
                out += "\\x" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 15)])
            }
        }
        return out
    }

    /// One response PDU, parsed.
    public struct Response: Sendable, Hashable {
        public var readCode: UInt8
        public var conformityLevel: UInt8
        /// More objects follow: ask again from ``nextObjectID``.
        public var moreFollows: Bool
        public var nextObjectID: UInt8
        public var objects: [(id: UInt8, value: [UInt8])]

        public static func == (a: Response, b: Response) -> Bool {
            a.readCode == b.readCode && a.conformityLevel == b.conformityLevel && a.moreFollows == b.moreFollows
                && a.nextObjectID == b.nextObjectID && a.objects.map(\.id) == b.objects.map(\.id)
                && a.objects.map(\.value) == b.objects.map(\.value)
        }

        public func hash(into h: inout Hasher) {
            h.combine(self.readCode)
            h.combine(self.nextObjectID)
            for o in self.objects {
                h.combine(o.id)
                h.combine(o.value)
            }
        }
    }

    /// The largest PDU of a Modbus frame (256-byte RTU ADU minus address and CRC).
    public static let maxPDU = 253

    /// Parses a response PDU (function code first). An exception answer (0xAB, code) is thrown as
    /// ``FrameError/exception(_:)``.
    public static func parse(pdu: some Collection<UInt8>) throws(FrameError) -> Response {
        let b = Array(pdu)
        guard b.count <= Self.maxPDU else { throw .malformed("PDU of \(b.count) bytes, more than \(Self.maxPDU)") }
        guard let function = b.first else { throw .malformed("empty PDU") }
        if function == 0x2B | 0x80 {
            guard b.count == 2 else { throw .malformed("exception answer of \(b.count) bytes") }
            throw .exception(ModbusException(code: b[1]))
        }
        guard function == 0x2B else { throw .malformed("function 0x\(hex(function)) instead of 0x2b") }
        guard b.count >= 7 else { throw .malformed("answer of \(b.count) bytes, shorter than its 7-byte header") }
        guard b[1] == 0x0E else { throw .malformed("MEI type 0x\(hex(b[1])) instead of 0x0e") }
        guard (1...4).contains(b[2]) else { throw .malformed("read code \(b[2]) is not 1 to 4") }
        guard b[4] == 0x00 || b[4] == 0xFF else { throw .malformed("more-follows byte 0x\(hex(b[4])) is not 0x00 or 0xff") }
        let count = Int(b[6])
        var objects: [(id: UInt8, value: [UInt8])] = []
        objects.reserveCapacity(count)
        var i = 7
        for k in 0..<count {
            guard i + 2 <= b.count else { throw .malformed("object \(k + 1) of \(count) is missing") }
            let id = b[i]
            let length = Int(b[i + 1])
            guard i + 2 + length <= b.count else {
                throw .malformed("object 0x\(hex(id)) claims \(length) bytes, \(b.count - i - 2) left")
            }
            if objects.contains(where: { $0.id == id }) { throw .malformed("object 0x\(hex(id)) appears twice") }
            objects.append((id, Array(b[(i + 2)..<(i + 2 + length)])))
            i += 2 + length
        }
        guard i == b.count else { throw .malformed("\(b.count - i) bytes after the last object") }
        return Response(readCode: b[2], conformityLevel: b[3], moreFollows: b[4] == 0xFF, nextObjectID: b[5],
                        objects: objects)
    }

    /// Builds a response PDU (for the server side: `otsentry simulate` and the tests). Objects that do not fit
    /// in one PDU are left for a follow-up request (more follows).
    public static func responsePDU(readCode: UInt8, conformityLevel: UInt8, from firstID: UInt8,
                                   objects: [UInt8: [UInt8]]) -> [UInt8]
    {
        var pdu: [UInt8] = [0x2B, 0x0E, readCode, conformityLevel, 0x00, 0x00, 0x00]
        var count: UInt8 = 0
        for id in objects.keys.sorted() where id >= firstID {
            let value = objects[id]!.prefix(245)
            if pdu.count + 2 + value.count > Self.maxPDU {
                pdu[4] = 0xFF
                pdu[5] = id
                break
            }
            pdu += [id, UInt8(value.count)] + value
            count += 1
        }
        pdu[6] = count
        return pdu
    }

    /// A Modbus TCP frame header (MBAP), parsed from its 7 bytes.
    public struct MBAP: Sendable, Hashable {
        public var transaction: UInt16
        public var unit: UInt8
        /// Bytes following the header (the PDU).
        public var pduLength: Int

        public init(transaction: UInt16, unit: UInt8, pduLength: Int) {
            self.transaction = transaction
            self.unit = unit
            self.pduLength = pduLength
        }

        public static func parse(_ header: some Collection<UInt8>) throws(FrameError) -> MBAP {
            let h = Array(header)
            guard h.count == 7 else { throw .malformed("MBAP header of \(h.count) bytes") }
            guard h[2] == 0 && h[3] == 0 else { throw .malformed("protocol id \(Int(h[2]) << 8 | Int(h[3])) is not 0") }
            let length = Int(h[4]) << 8 | Int(h[5])
            guard length >= 2 && length <= 254 else { throw .malformed("MBAP length \(length) is not 2 to 254") }
            return MBAP(transaction: UInt16(h[0]) << 8 | UInt16(h[1]), unit: h[6], pduLength: length - 1)
        }
    }

    public enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
        case exception(ModbusException)
        case malformed(String)

        public var description: String {
            switch self {
            case .exception(let e): "\(e)"
            case .malformed(let why): "malformed answer: \(why)"
            }
        }
    }
}

private func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String(digits[Int(b >> 4)]) + String(digits[Int(b & 15)])
}
