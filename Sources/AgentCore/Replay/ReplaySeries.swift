import Posix

/// A recorded series as read for replay: the timestamp (first column) and one value column of a delimited file,
/// their texts (written back verbatim) and the parsed numbers. See ``CSVReader`` for the line endings, separators
/// and quoting accepted, and ``TimestampParser`` for the timestamps.
///
/// The value column is `--column NAME` when given; otherwise the column named `value`, or the second of a
/// two-column file. A file without a header (its first line already a timestamp and a number) is read from its
/// first line. With `;` or tab as the separator, a decimal comma (`12,5`) reads as `12.5` (and is written back so).
/// Blank values, `nan` and `null` are bad samples (NaN), as a failed read would be in the agent. Rows are replayed
/// in file order, even where a clock stepped back (real recordings have such steps).
public struct ReplaySeries: Sendable {
    /// The names of the timestamp and value columns.
    public var columns: (timestamp: String, value: String)
    public var timestampTexts: [String]
    public var valueTexts: [String]
    public var times: [Double]
    public var values: [Double]

    public static let maxBytes = 512 << 20

    public static func load(path: String, column: String? = nil) throws(ReplayError) -> ReplaySeries {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(path, limit: Self.maxBytes)
        } catch {
            throw ReplayError(file: path, line: nil, message: "\(error)")
        }
        return try self.parse(bytes, file: path, column: column)
    }

    public static func parse(_ text: String, file: String, column: String? = nil) throws(ReplayError) -> ReplaySeries {
        try self.parse(Array(text.utf8), file: file, column: column)
    }

    public static func parse(_ bytes: [UInt8], file: String, column: String? = nil) throws(ReplayError) -> ReplaySeries {
        var reader = CSVReader(bytes)
        func fail(_ line: Int, _ message: String) -> ReplayError { ReplayError(file: file, line: line, message: message) }
        // Quoted on one line (a quoted field may hold line breaks), at most 80 characters.
        func quoted(_ text: String) -> String {
            let flat = String(text.map { $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
            return "\"\(CSVReader.shortened(flat))\""
        }
        func next() throws(ReplayError) -> CSVReader.Record? {
            do { return try reader.next() } catch { throw fail(error.line, "\(error.message): \(quoted(error.excerpt))") }
        }
        guard let first = try next() else { throw fail(1, "empty file") }
        let decimalComma = reader.separator != UInt8(ascii: ",")
        let separatorName = reader.separator == UInt8(ascii: ",") ? "," : reader.separator == UInt8(ascii: ";") ? ";" : "tab"
        let headerText = first.fields.joined(separator: separatorName == "tab" ? "\t" : separatorName)
        // The value column.
        let valueIndex: Int
        var pending: CSVReader.Record? = nil
        var columns = (timestamp: "timestamp", value: "value")
        let names = first.fields.map { $0.lowercased() }
        if let column {
            guard let index = first.fields.firstIndex(of: column) ?? names.firstIndex(of: column.lowercased()) else {
                throw fail(first.line, "no column \(quoted(column)) in the header \(quoted(headerText))".count > 200
                    ? "no column \(quoted(column))" : "no column \(quoted(column)) in the header \(quoted(headerText))")
            }
            guard index > 0 else {
                throw fail(first.line, "column \(quoted(column)) is the timestamp column (the first); name a value column")
            }
            valueIndex = index
            columns = (first.fields[0], first.fields[index])
        } else if let index = names.firstIndex(of: "value"), index > 0 {
            valueIndex = index
            columns = (first.fields[0], first.fields[index])
        } else if first.fields.count == 2 {
            valueIndex = 1
            if TimestampParser.seconds(Substring(first.fields[0])) != nil {
                pending = first  // no header: the first line is data (a header's first field is a name)
            } else {
                columns = (first.fields[0], first.fields[1])
            }
        } else {
            throw fail(first.line, "expected the header \"timestamp,value\" (or a value column named with --column), "
                + "found \(quoted(headerText))")
        }
        var series = ReplaySeries(columns: columns, timestampTexts: [], valueTexts: [], times: [], values: [])
        let estimate = bytes.count / 24
        series.timestampTexts.reserveCapacity(estimate)
        series.valueTexts.reserveCapacity(estimate)
        series.times.reserveCapacity(estimate)
        series.values.reserveCapacity(estimate)
        while true {
            let record: CSVReader.Record
            if let first = pending {
                record = first
                pending = nil
            } else if let read = try next() {
                record = read
            } else {
                break
            }
            let fields = record.fields
            if fields.count == 1 && fields[0].isEmpty { continue }
            guard fields.count > valueIndex else {
                let shown = fields.joined(separator: separatorName == "tab" ? "\t" : separatorName)
                throw fail(record.line, "expected \(valueIndex + 1) fields (timestamp … \(columns.value)), found "
                    + "\(fields.count): \(quoted(shown))")
            }
            guard let t = TimestampParser.seconds(Substring(fields[0])) else {
                throw fail(record.line, "timestamp: cannot read \(quoted(fields[0]))")
            }
            let text = fields[valueIndex]
            let value: Double
            var valueText = text
            let lowered = text.lowercased()
            if text.isEmpty || lowered == "nan" || lowered == "null" {
                value = .nan
            } else if let v = Self.number(text, decimalComma: decimalComma) {
                value = v
                if decimalComma && text.utf8.contains(UInt8(ascii: ",")) {
                    valueText = String(text.map { $0 == "," ? "." : $0 })
                }
            } else {
                throw fail(record.line, "\(columns.value): cannot read \(quoted(text))")
            }
            series.timestampTexts.append(fields[0])
            series.valueTexts.append(valueText)
            series.times.append(t)
            series.values.append(value)
        }
        guard !series.values.isEmpty else { throw fail(first.line, "no data rows after the header \(quoted(headerText))") }
        return series
    }

    /// A finite number; with `decimalComma`, one `,` (and no `.`) reads as the decimal point.
    static func number(_ text: String, decimalComma: Bool) -> Double? {
        if let v = Double(text) { return v.isFinite ? v : nil }
        guard decimalComma else { return nil }
        let utf8 = text.utf8
        guard utf8.filter({ $0 == UInt8(ascii: ",") }).count == 1, !utf8.contains(UInt8(ascii: ".")) else { return nil }
        return Double(String(text.map { $0 == "," ? "." : $0 })).flatMap { $0.isFinite ? $0 : nil }
    }
}
