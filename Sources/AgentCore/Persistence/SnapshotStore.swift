import Posix
import Spool

/// The snapshot file (`<state dir>/snapshot`): every channel's recent samples, written atomically and durably on
/// stop and every `snapshot_interval`, read at start-up. A file that fails its checksum is ignored (the agent
/// then learns from zero, as on first start).
///
/// Format: `OTSNAP1\n`, then per channel `device length u16 | device | channel length u16 | channel |
/// fingerprint u64 | count u32 | count × (time f64, value f64)`, then a CRC-32C u32 of everything before it;
/// little-endian.
enum SnapshotStore {
    static let magic = Array("OTSNAP1\n".utf8)

    static func write(_ snapshots: [ChannelSnapshot], to path: String) throws(SystemError) {
        var bytes = self.magic
        for s in snapshots {
            for text in [s.device, s.channel] {
                let utf8 = Array(text.utf8)
                bytes += self.le(UInt16(utf8.count))
                bytes += utf8
            }
            bytes += self.le(s.fingerprint)
            bytes += self.le(UInt32(s.values.count))
            for (t, x) in zip(s.times, s.values) {
                bytes += self.le(t.bitPattern)
                bytes += self.le(x.bitPattern)
            }
        }
        bytes += self.le(CRC32C.checksum(bytes))
        try FileWriter.write(bytes, to: path, durable: true)
    }

    static func read(_ path: String) -> [ChannelSnapshot]? {
        guard let bytes = try? FileReader.read(path, limit: 1 << 30), bytes.count >= self.magic.count + 4,
              Array(bytes.prefix(self.magic.count)) == self.magic
        else { return nil }
        let body = bytes.dropLast(4)
        let stored = UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
            | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24
        guard CRC32C.checksum(Array(body)) == stored else { return nil }
        var offset = self.magic.count
        var result: [ChannelSnapshot] = []
        func take(_ n: Int) -> ArraySlice<UInt8>? {
            guard offset + n <= body.count else { return nil }
            defer { offset += n }
            return bytes[offset..<(offset + n)]
        }
        func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
            guard let slice = take(MemoryLayout<T>.size) else { return nil }
            var v: T = 0
            for (k, b) in slice.enumerated() { v |= T(b) << T(8 * k) }
            return v
        }
        while offset < body.count {
            guard let dl = integer(UInt16.self), let d = take(Int(dl)), let cl = integer(UInt16.self),
                  let c = take(Int(cl)), let fingerprint = integer(UInt64.self), let count = integer(UInt32.self)
            else { return nil }
            var times: [Double] = []
            var values: [Double] = []
            for _ in 0..<count {
                guard let t = integer(UInt64.self), let x = integer(UInt64.self) else { return nil }
                times.append(Double(bitPattern: t))
                values.append(Double(bitPattern: x))
            }
            result.append(ChannelSnapshot(device: String(decoding: d, as: UTF8.self), channel: String(decoding: c, as: UTF8.self),
                                          fingerprint: fingerprint, times: times, values: values))
        }
        return result
    }

    private static func le<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
        (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: v >> T(8 * $0)) }
    }
}
