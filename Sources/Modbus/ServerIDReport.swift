/// The answer to Report Server ID (function 0x11). Its content is device specific; by the common layout (and
/// libmodbus' own server) the first byte is the server id and the second the run indicator (0x00 off, 0xFF on),
/// followed by free data (often a product or firmware string).
public struct ServerIDReport: Sendable, Hashable {
    /// Every byte after the byte count, as sent.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public var serverID: UInt8? { self.bytes.first }

    /// The run indicator, when the second byte is one (0x00 or 0xFF); nil for other layouts.
    public var running: Bool? {
        guard self.bytes.count >= 2 else { return nil }
        switch self.bytes[1] {
        case 0xFF: return true
        case 0x00: return false
        default: return nil
        }
    }

    /// The bytes after the id and run indicator (all bytes after the id when there is no run indicator).
    public var additionalData: [UInt8] {
        guard !self.bytes.isEmpty else { return [] }
        return Array(self.bytes.dropFirst(self.running == nil ? 1 : 2))
    }

    /// Builds the response PDU for the server side: function, byte count, id, run indicator, data.
    public static func responsePDU(serverID: UInt8, running: Bool, data: [UInt8]) -> [UInt8] {
        let body = [serverID, running ? 0xFF : 0x00] + data.prefix(240)
        return [0x11, UInt8(body.count)] + body
    }
}
