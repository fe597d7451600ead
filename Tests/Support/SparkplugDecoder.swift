import Foundation
import Mosquitto

/// Decodes Sparkplug messages with pysparkplug (`Tests/Support/decode_sparkplug.py`, run from the test virtualenv
/// named by `$OTSENTRY_PYTHON`): an independent decoder of what the agent publishes.
public enum SparkplugDecoder {
    static var python: String { ProcessInfo.processInfo.environment["OTSENTRY_PYTHON"] ?? "/usr/bin/python3" }
    static var script: String { Executables.repositoryRoot + "/Tests/Support/decode_sparkplug.py" }

    /// One decoded object per message, in order; throws when the decoder cannot run.
    public static func decode(_ messages: [MQTTMessage]) throws -> [[String: Any]] {
        let dir = TemporaryDirectory()
        let lines = messages.map { m -> String in
            let hex = m.payload.map { String(format: "%02x", $0) }.joined()
            let object: [String: Any] = ["topic": m.topic, "hex": hex]
            return String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        }
        let input = dir.write("messages.jsonl", lines.joined(separator: "\n") + "\n")
        let child = try ChildProcess("/bin/sh", ["-c", "\"\(python)\" \"\(script)\" decode < \"\(input)\""])
        guard let status = child.wait(seconds: 60) else { throw TestFailure("sparkplug decoder hung") }
        guard status == 0 else {
            throw TestFailure("sparkplug decoder failed (pysparkplug missing? scripts/test installs it):\n\(child.stderr)")
        }
        return child.stdout.split(separator: "\n").compactMap { jsonObject(String($0)) }
    }

    /// An NCMD/DCMD payload with Boolean metrics, encoded by pysparkplug.
    public static func command(_ metrics: [(String, Bool)]) throws -> [UInt8] {
        let args = metrics.map { "'\($0.0)=\($0.1)'" }.joined(separator: " ")
        let child = try ChildProcess("/bin/sh", ["-c", "\"\(python)\" \"\(script)\" ncmd \(args)"])
        guard child.wait(seconds: 60) == 0 else { throw TestFailure("sparkplug encoder failed:\n\(child.stderr)") }
        let hex = Array(child.stdout.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        var bytes: [UInt8] = []
        var i = 0
        while i + 1 < hex.count {
            bytes.append(UInt8(String(decoding: hex[i...i + 1], as: UTF8.self), radix: 16)!)
            i += 2
        }
        return bytes
    }
}
