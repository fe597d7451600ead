/// Splits delimited text into records the way historian and spreadsheet exports write it: LF, CRLF or CR line
/// endings (mixed too), an optional UTF-8 byte order mark, `,`, `;` or tab as the separator, found on the first
/// line, and RFC 4180 quoting (`"a;b"`, `"say ""hi"""`, a line break inside quotes). Blank lines are skipped.
public struct CSVReader: Sendable {
    /// One record: its fields (quotes removed) and the line it starts on (1-based).
    public struct Record: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public let separator: UInt8
    private let bytes: [UInt8]
    private var position: Int
    private var line = 1

    public init(_ bytes: [UInt8]) {
        var start = 0
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { start = 3 }
        self.bytes = bytes
        self.position = start
        self.separator = Self.separator(of: bytes, from: start)
    }

    /// The separator of the first non-blank line, outside quotes: `;` wherever it appears (a `;` file may hold
    /// decimal commas, and a `,` file rarely holds a `;`), else tab if there are more tabs than commas, else `,`.
    static func separator(of bytes: [UInt8], from start: Int) -> UInt8 {
        var counts = (comma: 0, semicolon: 0, tab: 0)
        var quoted = false
        var i = start
        while i < bytes.count && (bytes[i] == UInt8(ascii: "\n") || bytes[i] == UInt8(ascii: "\r")) { i += 1 }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if !quoted {
                if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { break }
                if b == UInt8(ascii: ",") { counts.comma += 1 }
                if b == UInt8(ascii: ";") { counts.semicolon += 1 }
                if b == UInt8(ascii: "\t") { counts.tab += 1 }
            }
            i += 1
        }
        if counts.semicolon > 0 { return UInt8(ascii: ";") }
        if counts.tab > counts.comma { return UInt8(ascii: "\t") }
        return UInt8(ascii: ",")
    }

    /// The next non-blank record, nil at the end. A quote left open at the end of the file is an error.
    public mutating func next() throws(CSVError) -> Record? {
        // Blank lines (any ending) are skipped.
        while self.position < self.bytes.count {
            let b = self.bytes[self.position]
            if b == UInt8(ascii: "\n") {
                self.line += 1
                self.position += 1
            } else if b == UInt8(ascii: "\r") {
                self.line += 1
                self.position += 1
                if self.position < self.bytes.count && self.bytes[self.position] == UInt8(ascii: "\n") { self.position += 1 }
            } else {
                break
            }
        }
        guard self.position < self.bytes.count else { return nil }
        let startLine = self.line
        let recordStart = self.position
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var wasQuoted = false
        /// The field's length at its closing quote: blanks after it (`"2.25" ,`) are not part of it.
        var quotedLength = 0
        while self.position < self.bytes.count {
            let b = self.bytes[self.position]
            if quoted {
                if b == UInt8(ascii: "\"") {
                    if self.position + 1 < self.bytes.count && self.bytes[self.position + 1] == UInt8(ascii: "\"") {
                        field.append(b)
                        self.position += 2
                        continue
                    }
                    quoted = false
                    quotedLength = field.count
                    self.position += 1
                    continue
                }
                if b == UInt8(ascii: "\n") || (b == UInt8(ascii: "\r")
                    && !(self.position + 1 < self.bytes.count && self.bytes[self.position + 1] == UInt8(ascii: "\n")))
                {
                    self.line += 1
                }
                field.append(b)
                self.position += 1
                continue
            }
            if b == self.separator {
                fields.append(Self.text(field, quotedLength: wasQuoted ? quotedLength : nil))
                field.removeAll(keepingCapacity: true)
                wasQuoted = false
                self.position += 1
                continue
            }
            if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { break }
            if b == UInt8(ascii: "\"") && Self.isBlank(field) {
                field.removeAll(keepingCapacity: true)
                quoted = true
                wasQuoted = true
                self.position += 1
                continue
            }
            field.append(b)
            self.position += 1
        }
        if quoted {
            throw CSVError(line: startLine, message: "a quoted field is not closed",
                           excerpt: Self.excerpt(self.bytes[recordStart...]))
        }
        fields.append(Self.text(field, quotedLength: wasQuoted ? quotedLength : nil))
        return Record(line: startLine, fields: fields)
    }

    private static func isBlank(_ field: [UInt8]) -> Bool {
        field.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
    }

    /// A quoted field is kept as quoted (blanks after its closing quote dropped); another is trimmed of blanks.
    private static func text(_ field: [UInt8], quotedLength: Int?) -> String {
        if let quotedLength {
            let end = Self.isBlank(Array(field[quotedLength...])) ? quotedLength : field.count
            return String(decoding: field[..<end], as: UTF8.self)
        }
        var lo = 0, hi = field.count
        while lo < hi && (field[lo] == UInt8(ascii: " ") || field[lo] == UInt8(ascii: "\t")) { lo += 1 }
        while hi > lo && (field[hi - 1] == UInt8(ascii: " ") || field[hi - 1] == UInt8(ascii: "\t")) { hi -= 1 }
        return String(decoding: field[lo..<hi], as: UTF8.self)
    }

    /// At most `limit` characters of a line (up to its end), with `…` when cut: for error messages, so that a
    /// file read as one line (a line ending the reader did not expect) is not quoted whole.
    public static func excerpt<C: Collection>(_ bytes: C, limit: Int = 80) -> String where C.Element == UInt8 {
        var line: [UInt8] = []
        for b in bytes {
            if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { break }
            line.append(b)
            if line.count > 4 * limit { break }
        }
        return Self.shortened(String(decoding: line, as: UTF8.self), limit: limit)
    }

    /// `text` cut to `limit` characters, with `…` when cut.
    public static func shortened(_ text: String, limit: Int = 80) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }
}

/// A record the reader cannot split, with its line.
public struct CSVError: Error, Sendable {
    public var line: Int
    public var message: String
    public var excerpt: String
}
