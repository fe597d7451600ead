import Glibc
import Logging
import Posix

/// One event per line on stderr (journald adds its own metadata when run as a service):
/// `2026-11-26T16:01:19.123Z warning device offline device=press-plc error="read holding 100..111 (unit 1): timed out"`.
/// Each line is written with a single `write(2)`, so lines of concurrent threads never interleave.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String, level: Logger.Level = .info) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var text = CivilTime(unixMilliseconds: WallClock.nowMilliseconds()).rfc3339
        text += " \(event.level) \(event.message)"
        let merged = event.metadata.map { self.metadata.merging($0) { $1 } } ?? self.metadata
        for key in merged.keys.sorted() {
            text += " \(key)=\(Self.quote("\(merged[key]!)"))"
        }
        text += "\n"
        var bytes = text
        bytes.withUTF8 { buf in
            var offset = 0
            while offset < buf.count {
                let n = write(2, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }

    static func quote(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "\"") || $0 == 0x7F }
        guard needsQuotes else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(scalar.value < 0x20 ? "?" : scalar)
            }
        }
        return out + "\""
    }

    /// Points swift-log at stderr once per process.
    public static func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { StderrLogHandler(label: $0, level: level) }
    }
}
