import YAML

/// One problem found in a board file, at the position of the offending key or value (for a missing key, its
/// parent mapping), printed as `FILE:LINE:COL: error: KEY.PATH: MESSAGE`.
public struct BoardDiagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var mark: YAMLMark
    /// Dotted key path with sequence indexes, e.g. `devices[0].channels[2].type`. Empty for the whole file.
    public var keyPath: String
    public var message: String

    public init(file: String, mark: YAMLMark, keyPath: String, message: String) {
        self.file = file
        self.mark = mark
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        let subject = self.keyPath.isEmpty ? "" : "\(self.keyPath): "
        return "\(self.file):\(self.mark.line):\(self.mark.column): error: \(subject)\(self.message)"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.mark, lhs.keyPath, lhs.message) < (rhs.mark, rhs.keyPath, rhs.message)
    }
}
