import YAML

/// Collects every problem of one board file (validation reports them all, not just the first).
final class DiagnosticSink {
    let file: String
    private(set) var items: [BoardDiagnostic] = []

    init(file: String) { self.file = file }

    func error(_ mark: YAMLMark, _ keyPath: String, _ message: String) {
        self.items.append(BoardDiagnostic(file: self.file, mark: mark, keyPath: keyPath, message: message))
    }

    var isEmpty: Bool { self.items.isEmpty }

    /// Takes over the problems found in another file (a profile).
    func append(_ other: DiagnosticSink) { self.items += other.items }
}
