/// A CSV that cannot be replayed, with the place of the problem.
public struct ReplayError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(self.file):\(line): error: \(self.message)" }
        return "\(self.file): error: \(self.message)"
    }
}
