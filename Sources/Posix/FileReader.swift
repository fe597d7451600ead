import Glibc

/// Reads whole small files (board files, certificates) with a size limit, without Foundation.
public enum FileReader {
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case cannotOpen(SystemError)
        case cannotRead(SystemError)
        case tooLarge(limit: Int)
        case notARegularFile

        public var description: String {
            switch self {
            case .cannotOpen(let e): "cannot open: \(e)"
            case .cannotRead(let e): "cannot read: \(e)"
            case .tooLarge(let limit): "file is larger than the limit of \(limit) bytes"
            case .notARegularFile: "not a regular file"
            }
        }
    }

    public static func read(_ path: String, limit: Int) throws(Failure) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotOpen(.current) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .cannotRead(.current) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw .notARegularFile }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .cannotRead(.current)
            }
            if n == 0 { break }
            if bytes.count + n > limit { throw .tooLarge(limit: limit) }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }
}
