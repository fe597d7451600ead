/// A command line that does not parse: the problem and the usage line of the command it was meant for.
///
/// Printed as `Error: <message>` then `Usage: <usage>`; the tool exits 64 (EX_USAGE).
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let usage: String

    public init(_ message: String, usage: String) {
        self.message = message
        self.usage = usage
    }

    public var description: String {
        "Error: \(self.message)\nUsage: \(self.usage)\n  See '\(self.helpHint)' for more details."
    }

    private var helpHint: String {
        // "otsentry run [--board <FILE>]" → "otsentry run --help"
        let words = self.usage.split(separator: " ").prefix { !$0.hasPrefix("[") && !$0.hasPrefix("-") && !$0.hasPrefix("<") }
        return words.joined(separator: " ") + " --help"
    }
}
