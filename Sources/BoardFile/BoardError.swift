/// Why a board could not be loaded. Every case maps to exit status 78 (EX_CONFIG) in the command-line tool.
public enum BoardError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(file: String, reason: String)
    /// The file was read, and these problems were found (all of them, sorted by position).
    case invalid([BoardDiagnostic])

    public var diagnostics: [BoardDiagnostic] {
        if case .invalid(let d) = self { return d }
        return []
    }

    /// One line per problem, as printed on stderr.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): error: \(reason)"
        case .invalid(let diagnostics): diagnostics.map(\.description).joined(separator: "\n")
        }
    }
}
