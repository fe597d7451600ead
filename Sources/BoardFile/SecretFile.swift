import Glibc
import Posix

/// A file holding a secret (the MQTT password): it must be a regular file, at most ``maxSize`` bytes, and not
/// readable, writable or executable by group or others. Its content is never logged nor put into an error.
public enum SecretFile {
    public static let maxSize = 1024

    /// Why `path` is not acceptable as a secret file, or nil when it is.
    public static func problem(at path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return "cannot read \(path): \(String(cString: strerror(errno)))"
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { return "\(path) is not a regular file" }
        let mode = info.st_mode & 0o777
        if mode & 0o077 != 0 {
            let octal = String(mode, radix: 8)
            return "\(path) is accessible by group or others (mode 0\(octal)); make it private: chmod 600 \(path)"
        }
        if info.st_size > Self.maxSize { return "\(path) is larger than \(Self.maxSize) bytes" }
        return nil
    }

    /// Reads the secret: the first line of the file, without its line ending. Checks ``problem(at:)`` first.
    public static func read(_ path: String) throws(SecretFileError) -> String {
        if let problem = Self.problem(at: path) { throw SecretFileError(message: problem) }
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(path, limit: Self.maxSize)
        } catch {
            throw SecretFileError(message: "cannot read \(path): \(error)")
        }
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        guard !line.isEmpty else { throw SecretFileError(message: "\(path) is empty") }
        return String(decoding: line, as: UTF8.self)
    }
}

public struct SecretFileError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { self.message }
}
