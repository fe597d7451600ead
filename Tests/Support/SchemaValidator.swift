import Foundation

/// Validates alert payloads against `Schemas/alert.schema.json` with python's jsonschema (a real validator, run
/// from the test virtualenv named by `$OTSENTRY_PYTHON`).
public enum SchemaValidator {
    /// Returns the validator's report; throws when a payload is invalid or the validator cannot run.
    @discardableResult
    public static func validateAlerts(_ payloads: [[UInt8]]) throws -> String {
        let dir = TemporaryDirectory()
        let input = dir.write("alerts.jsonl", payloads.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n") + "\n")
        let python = ProcessInfo.processInfo.environment["OTSENTRY_PYTHON"] ?? "/usr/bin/python3"
        let script = Executables.repositoryRoot + "/Tests/Support/validate_alerts.py"
        let child = try ChildProcess("/bin/sh", ["-c", "\"\(python)\" \"\(script)\" < \"\(input)\""])
        guard let status = child.wait(seconds: 60) else { throw TestFailure("validator hung") }
        guard status == 0 else {
            throw TestFailure("alert payloads do not match the schema (or jsonschema is missing; scripts/test installs it):\n\(child.stdout)\(child.stderr)")
        }
        return child.stdout
    }
}
