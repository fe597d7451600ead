import AgentCore
import Foundation
import Testing

/// The files `otsentry replay` reads, as historians and spreadsheets export them: one fixture per case in
/// `Fixtures/Replay/` (committed byte for byte: CR and CRLF endings, a byte order mark).
struct ReplaySeriesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Replay")

    func load(_ name: String, column: String? = nil) throws(ReplayError) -> ReplaySeries {
        try ReplaySeries.load(path: Self.fixtures.appendingPathComponent(name).path, column: column)
    }

    /// Seconds since the epoch of a UTC `yyyy-MM-dd HH:mm:ss`, by Foundation (an independent reading).
    func epoch(_ text: String) -> Double {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.date(from: text)!.timeIntervalSince1970
    }

    func expectTheFourRows(_ series: ReplaySeries, values: [String] = ["1.5", "2.25", "", "-3e2"]) {
        let stamps = ["2015-02-26 21:42:53", "2015-02-26 21:47:53", "2015-02-26 21:52:53", "2015-02-26 21:57:53"]
        #expect(series.timestampTexts == stamps)
        #expect(series.times == stamps.map(self.epoch))
        #expect(series.valueTexts == values)
        #expect(series.values.count == 4)
        #expect(series.values[0] == 1.5 && series.values[1] == 2.25 && series.values[2].isNaN && series.values[3] == -300)
    }

    @Test(arguments: ["lf.csv", "crlf.csv", "cr.csv"])
    func everyLineEndingReadsTheSame(_ name: String) throws {
        let series = try self.load(name)
        self.expectTheFourRows(series)
        #expect(series.columns.timestamp == "timestamp" && series.columns.value == "value")
    }

    @Test func byteOrderMarkSemicolonsAndDecimalCommas() throws {
        let series = try self.load("bom-semicolon.csv")
        // The BOM is not part of the first column's name; a decimal comma is written back with a point.
        #expect(series.columns.timestamp == "timestamp")
        self.expectTheFourRows(series, values: ["1.5", "2.25", "NaN", "-300"])
    }

    @Test func quotedFieldsWithSeparatorsQuotesAndLineBreaks() throws {
        let series = try self.load("quoted.csv")
        self.expectTheFourRows(series)
    }

    @Test func aColumnOfAWiderSemicolonExport() throws {
        let series = try self.load("wide-semicolon.csv", column: "Temperatur [°C]")
        #expect(series.columns == ("Zeit", "Temperatur [°C]"))
        let t0 = self.epoch("2015-02-26 21:42:53")
        #expect(series.times == [t0, t0 + 300, t0 + 600, t0 + 900])
        #expect(series.valueTexts == ["1.5", "2.25", "", "-300"])
        #expect(series.values[0] == 1.5 && series.values[2].isNaN && series.values[3] == -300)
        // Any column, matched case-insensitively when no exact match.
        let speed = try self.load("wide-semicolon.csv", column: "drehzahl")
        #expect(speed.values == [1200, 1210, 1190, 1205])
    }

    @Test func everyTimestampForm() throws {
        let series = try self.load("timestamps.csv")
        let t0 = self.epoch("2015-02-26 21:42:53")
        #expect(series.times == [t0, t0 + 0.25, t0 + 0.5, t0, t0, t0, t0, t0 + 0.75])
        #expect(series.values == [1, 2, 3, 4, 5, 6, 7, 8])
    }

    @Test func aFileWithoutHeader() throws {
        let series = try self.load("headerless.csv")
        #expect(series.values == [1.5, 2.25])
        #expect(series.timestampTexts == ["2015-02-26 21:42:53", "2015-02-26 21:47:53"])
        // Blank lines first, `;` and decimal commas: the separator is `;` (one `,` and one `;` on the line).
        let semicolons = try self.load("headerless-semicolon.csv")
        #expect(semicolons.values == [1.5, 2.25] && semicolons.valueTexts == ["1.5", "2.25"])
        #expect(semicolons.times == [self.epoch("2015-02-26 21:42:53"), self.epoch("2015-02-26 21:47:53")])
    }

    /// A blank first value is a bad sample, not a reason to take the data's first line for a header.
    @Test func aBlankFirstValueIsABadSample() throws {
        let series = try self.load("blank-first-value.csv")
        #expect(series.values.count == 2 && series.values[0].isNaN && series.values[1] == 2.25)
        let headerless = try ReplaySeries.parse("2015-02-26 21:42:53,nan\n2015-02-26 21:47:53,2\n", file: "f")
        #expect(headerless.values.count == 2 && headerless.values[0].isNaN)
    }

    /// Each broken file: exit-65 errors name the file and the line, and quote at most 80 characters.
    @Test(arguments: [
        ("bad-value-cr.csv", nil, 12, "value: cannot read \"" + String(repeating: "x", count: 79) + "…\""),
        ("bad-quote.csv", nil, 3, "a quoted field is not closed: \"2015-02-26 21:47:53,\\\"2.25\""),
        ("bad-timestamp.csv", nil, 3, "timestamp: cannot read \"26.02.2015 21:47\""),
        ("bad-fields.csv", "B", 3, "expected 3 fields (timestamp … B), found 2: \"2015-02-26 21:47:53;1\""),
        ("bad-fields.csv", "C", 1, "no column \"C\" in the header \"Zeit;A;B\""),
        ("bad-fields.csv", "Zeit", 1, "column \"Zeit\" is the timestamp column (the first); name a value column"),
        ("bad-header.csv", nil, 1,
         "expected the header \"timestamp,value\" (or a value column named with --column), found \"time,a,b\""),
    ] as [(String, String?, Int, String)])
    func brokenFilesNameFileAndLine(_ name: String, _ column: String?, _ line: Int, _ message: String) {
        let path = Self.fixtures.appendingPathComponent(name).path
        do {
            _ = try ReplaySeries.load(path: path, column: column)
            Issue.record("\(name) was read")
        } catch {
            #expect(error.line == line)
            #expect(error.message == message.replacingOccurrences(of: "\\\"", with: "\""))
            #expect(error.description.hasPrefix("\(path):\(line): error: "))
        }
    }

    @Test func emptyAndHeaderOnlyFiles() {
        for (text, message) in [("", "empty file"), ("timestamp;value\r\n", "no data rows after the header \"timestamp;value\"")] {
            do {
                _ = try ReplaySeries.parse(text, file: "f.csv")
                Issue.record("read \(text)")
            } catch {
                #expect(error.message == message)
            }
        }
    }

    /// The output quotes a field only where it must (RFC 4180), so a wider file's texts stay one column each.
    @Test func outputHasTheAlarmStateAndQuotesOnlyWhereNeeded() throws {
        var series = try ReplaySeries.parse("t;value\n2015-02-26 21:42:53;1\n2015-02-26 21:47:53;2\n", file: "f")
        series.timestampTexts[1] = "a,\"b\""
        let rows = [ReplayRunner.Row(score: 0.25, opened: true, alerting: true),
                    ReplayRunner.Row(score: 0, opened: false, alerting: false)]
        #expect(ReplayRunner.csv(series, rows)
            == "timestamp,value,anomaly_score,label,alert\n2015-02-26 21:42:53,1,0.25,1,1\n\"a,\"\"b\"\"\",2,0.0,0,0\n")
    }
}
