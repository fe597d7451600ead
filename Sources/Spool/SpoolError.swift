import Posix

/// A spool operation that failed: the file or directory and the system error.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var error: SystemError?
    public var message: String?

    public init(path: String, operation: String, error: SystemError? = nil, message: String? = nil) {
        self.path = path
        self.operation = operation
        self.error = error
        self.message = message
    }

    public var description: String {
        "\(self.operation) \(self.path): \(self.message ?? self.error.map { "\($0)" } ?? "failed")"
    }
}
