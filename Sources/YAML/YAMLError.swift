/// A document that could not be parsed: a syntax error reported by libyaml, or a limit exceeded.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var mark: YAMLMark

    public init(message: String, mark: YAMLMark) {
        self.message = message
        self.mark = mark
    }

    public var description: String { "\(self.mark.line):\(self.mark.column): \(self.message)" }
}
