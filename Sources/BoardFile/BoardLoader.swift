import Posix
import YAML

/// Loads board files: read → parse (libyaml) → validate → immutable ``Board``.
public enum BoardLoader {
    /// The largest board file accepted.
    public static let maxFileBytes = 4 << 20

    /// Loads the board at `path`. `path` is used verbatim as FILE in diagnostics.
    public static func load(path: String) throws(BoardError) -> Board {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(path, limit: Self.maxFileBytes)
        } catch {
            throw .unreadable(file: path, reason: "\(error)")
        }
        return try self.parse(bytes, file: path)
    }

    /// Parses and validates board text; `file` names it in diagnostics.
    public static func parse(_ bytes: [UInt8], file: String) throws(BoardError) -> Board {
        let sink = DiagnosticSink(file: file)
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(bytes, limits: YAMLLimits(maxBytes: Self.maxFileBytes))
        } catch {
            sink.error(error.mark, "", error.message)
            throw .invalid(sink.items)
        }
        guard let root else {
            sink.error(YAMLMark(line: 1, column: 1), "", "the board file is empty")
            throw .invalid(sink.items)
        }
        let board = BoardReader(sink: sink).read(root)
        guard let board, sink.isEmpty else { throw .invalid(sink.items.sorted()) }
        return board
    }

    public static func parse(_ text: String, file: String) throws(BoardError) -> Board {
        try self.parse(Array(text.utf8), file: file)
    }
}
