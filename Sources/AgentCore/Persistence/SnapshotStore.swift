import Glibc
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
        let writer = try SnapshotWriter(path: path)
        for s in snapshots {
            writer.channel(device: s.device, channel: s.channel, fingerprint: s.fingerprint, count: s.values.count) {
                (s.times[$0], s.values[$0])
            }
        }
        try writer.finish()
    }

    /// Calls `body` for each channel of a valid snapshot file, with its samples (16 bytes each: time, value), read
    /// through a read-only mapping of the file: restoring needs no copy of the whole file. Returns false (and
    /// calls nothing) when the file is missing, torn or corrupt.
    static func forEachChannel(_ path: String,
                               _ body: (_ device: String, _ channel: String, _ fingerprint: UInt64, _ count: Int,
                                        _ sample: (Int) -> (time: Double, value: Double)) -> Void) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_size >= self.magic.count + 4, info.st_size < 1 << 34 else { return false }
        let size = Int(info.st_size)
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else { return false }
        defer { munmap(map, size) }
        let bytes = UnsafeRawBufferPointer(start: map, count: size)
        let body0 = UnsafeRawBufferPointer(rebasing: bytes[0..<(size - 4)])
        guard self.magic.elementsEqual(bytes.prefix(self.magic.count)),
              CRC32C.checksum(body0) == bytes.loadUnaligned(fromByteOffset: size - 4, as: UInt32.self).littleEndian
        else { return false }
        // Two passes: check every record's bounds first, so that a consistent file is restored whole or not at all.
        for pass in 0..<2 {
            var offset = self.magic.count
            func integer<T: FixedWidthInteger>(_: T.Type) -> T? {
                guard offset + MemoryLayout<T>.size <= body0.count else { return nil }
                defer { offset += MemoryLayout<T>.size }
                return body0.loadUnaligned(fromByteOffset: offset, as: T.self).littleEndian
            }
            func text(_ n: Int) -> String? {
                guard offset + n <= body0.count else { return nil }
                defer { offset += n }
                return String(decoding: body0[offset..<(offset + n)], as: UTF8.self)
            }
            while offset < body0.count {
                guard let dl = integer(UInt16.self), let device = text(Int(dl)), let cl = integer(UInt16.self),
                      let channel = text(Int(cl)), let fingerprint = integer(UInt64.self),
                      let count = integer(UInt32.self), offset + 16 * Int(count) <= body0.count
                else { return false }
                let start = offset
                if pass == 1 {
                    body(device, channel, fingerprint, Int(count)) { i in
                        let t = body0.loadUnaligned(fromByteOffset: start + 16 * i, as: UInt64.self).littleEndian
                        let x = body0.loadUnaligned(fromByteOffset: start + 16 * i + 8, as: UInt64.self).littleEndian
                        return (Double(bitPattern: t), Double(bitPattern: x))
                    }
                }
                offset += 16 * Int(count)
            }
        }
        return true
    }
}
