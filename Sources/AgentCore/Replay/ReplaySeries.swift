import Posix

/// A `timestamp,value` CSV series as read for replay: the original texts (written back verbatim) and the parsed
/// numbers. Blank values and `nan` are bad samples (NaN), as a failed read would be in the agent. Rows are replayed
/// in file order, even where a clock stepped back (real recordings have such steps).
public struct ReplaySeries: Sendable {
    public var header: String
    public var timestampTexts: [Substring]
    public var valueTexts: [Substring]
    public var times: [Double]
    public var values: [Double]

    public static let maxBytes = 512 << 20

    public static func load(path: String) throws(ReplayError) -> ReplaySeries {
        let bytes: [UInt8]
        do {
            bytes = try FileReader.read(path, limit: Self.maxBytes)
        } catch {
            throw ReplayError(file: path, line: nil, message: "\(error)")
        }
        return try self.parse(String(decoding: bytes, as: UTF8.self), file: path)
    }

    public static func parse(_ text: String, file: String) throws(ReplayError) -> ReplaySeries {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard let headerLine = lines.first else { throw ReplayError(file: file, line: 1, message: "empty file") }
        let header = headerLine.hasSuffix("\r") ? headerLine.dropLast() : headerLine
        let names = header.split(separator: ",").map { $0.trimmingSpaces().lowercased() }
        guard names.count >= 2, names[0] == "timestamp", names[1] == "value" else {
            throw ReplayError(file: file, line: 1, message: "expected the header \"timestamp,value\", found \"\(header)\"")
        }
        var series = ReplaySeries(header: String(header), timestampTexts: [], valueTexts: [], times: [], values: [])
        series.timestampTexts.reserveCapacity(lines.count)
        series.valueTexts.reserveCapacity(lines.count)
        series.times.reserveCapacity(lines.count)
        series.values.reserveCapacity(lines.count)
        for (index, raw) in lines.enumerated().dropFirst() {
            let lineNumber = index + 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.isEmpty { continue }
            let fields = line.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count >= 2 else {
                throw ReplayError(file: file, line: lineNumber, message: "expected timestamp,value, found \"\(line)\"")
            }
            guard let t = TimestampParser.seconds(fields[0].trimmingSpaces()) else {
                throw ReplayError(file: file, line: lineNumber, message: "timestamp: cannot read \"\(fields[0])\"")
            }
            let valueText = fields[1].trimmingSpaces()
            let value: Double
            if valueText.isEmpty || valueText.lowercased() == "nan" {
                value = .nan
            } else if let v = Double(valueText), v.isFinite {
                value = v
            } else {
                throw ReplayError(file: file, line: lineNumber, message: "value: cannot read \"\(fields[1])\"")
            }
            series.timestampTexts.append(fields[0])
            series.valueTexts.append(fields[1])
            series.times.append(t)
            series.values.append(value)
        }
        return series
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return s
    }
}
