import Glibc

/// Writes whole files (replay output, charts): to `PATH.tmp`, then renamed over `PATH`, so that a reader never
/// sees half a file.
public enum FileWriter {
    /// With `durable`, the data is flushed before the rename and the directory after it (survives a power loss).
    public static func write(_ text: String, to path: String, durable: Bool = false) throws(SystemError) {
        try self.write(Array(text.utf8), to: path, durable: durable)
    }

    public static func write(_ bytes: [UInt8], to path: String, durable: Bool = false) throws(SystemError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .current }
        var failure: SystemError?
        bytes.withUnsafeBufferPointer { buf in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = .current
                    return
                }
                offset += n
            }
        }
        if durable && failure == nil && fsync(fd) != 0 { failure = .current }
        if close(fd) != 0 && failure == nil { failure = .current }
        if let failure {
            unlink(temporary)
            throw failure
        }
        guard rename(temporary, path) == 0 else { throw .current }
        if durable {
            let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
            let dfd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if dfd >= 0 {
                _ = fsync(dfd)
                close(dfd)
            }
        }
    }
}
