import Glibc
import Posix
import Spool

/// Writes a snapshot file (format in ``SnapshotStore``) channel by channel through a fixed 64 KiB buffer, to
/// `PATH.tmp`, then renames it over `PATH` (durably): whatever the number of channels, writing a snapshot needs
/// no memory beyond the buffer, so resident memory stays flat.
final class SnapshotWriter: @unchecked Sendable {
    private let path: String
    private let fd: Int32
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    private var crc: UInt32 = 0
    private var failure: SystemError?
    private(set) var channels = 0

    init(path: String) throws(SystemError) {
        self.path = path
        self.fd = open(path + ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard self.fd >= 0 else { throw .current }
        self.buffer = .allocate(byteCount: 64 << 10, alignment: 8)
        SnapshotStore.magic.withUnsafeBytes { self.append($0) }
    }

    deinit {
        self.buffer.deallocate()
        if self.fd >= 0 { close(self.fd) }
    }

    /// One channel: its samples, oldest first, from `sample(i)` = (time in Unix seconds, value).
    func channel(device: String, channel: String, fingerprint: UInt64, count: Int,
                 sample: (Int) -> (time: Double, value: Double)) {
        for text in [device, channel] {
            self.integer(UInt16(truncatingIfNeeded: text.utf8.count))
            var text = text
            text.withUTF8 { self.append(UnsafeRawBufferPointer($0)) }
        }
        self.integer(fingerprint)
        self.integer(UInt32(count))
        for i in 0..<count {
            let (t, x) = sample(i)
            self.integer(t.bitPattern)
            self.integer(x.bitPattern)
        }
        self.channels += 1
    }

    /// Appends the checksum, flushes, and replaces the snapshot file.
    func finish() throws(SystemError) {
        self.integer(self.crc &+ 0, checksummed: false)
        self.flush()
        if self.failure == nil && fsync(self.fd) != 0 { self.failure = .current }
        if let failure = self.failure {
            unlink(self.path + ".tmp")
            throw failure
        }
        guard rename(self.path + ".tmp", self.path) == 0 else { throw .current }
        let dir = self.path.contains("/") ? String(self.path[..<self.path.lastIndex(of: "/")!]) : "."
        let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    /// Drops the temporary file (the previous snapshot stays).
    func abandon() {
        unlink(self.path + ".tmp")
    }

    private func integer<T: FixedWidthInteger>(_ v: T, checksummed: Bool = true) {
        withUnsafeBytes(of: v.littleEndian) { self.append($0, checksummed: checksummed) }
    }

    private func append(_ bytes: UnsafeRawBufferPointer, checksummed: Bool = true) {
        if checksummed { self.crc = CRC32C.checksum(bytes, seed: self.crc) }
        var offset = 0
        while offset < bytes.count {
            if self.used == self.buffer.count { self.flush() }
            let n = min(bytes.count - offset, self.buffer.count - self.used)
            (self.buffer.baseAddress! + self.used).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            self.used += n
            offset += n
        }
    }

    private func flush() {
        var offset = 0
        while offset < self.used && self.failure == nil {
            let n = write(self.fd, self.buffer.baseAddress! + offset, self.used - offset)
            if n < 0 {
                if errno == EINTR { continue }
                self.failure = .current
            } else {
                offset += n
            }
        }
        self.used = 0
    }
}
