import Foundation
import TestSupport
import Testing

/// `otsentry replay`: the detector bank over a CSV, in NAB's result format.
struct ReplayCommandTests {
    /// A 5-minute series: 600 quiet samples, then a spike far outside the noise.
    func series(_ dir: TemporaryDirectory) -> String {
        var text = "timestamp,value\n"
        var state: UInt64 = 7
        for i in 0..<900 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Double(state >> 40) / Double(1 << 24) - 0.5
            let minutes = i * 5
            let stamp = String(format: "2014-04-%02d %02d:%02d:00", 1 + minutes / 1440, minutes / 60 % 24, minutes % 60)
            let value = 50 + noise + (i == 700 ? 40 : 0)
            text += "\(stamp),\(value)\n"
        }
        return dir.write("series.csv", text)
    }

    @Test func writesOneRowPerInputRowWithScoresAndAlertOpenings() throws {
        let dir = TemporaryDirectory()
        let input = self.series(dir)
        let output = dir.file("out.csv")
        let svg = dir.file("chart.svg")
        let events = dir.file("events.csv")
        let (status, _, stderr) = try runOTSentry(["replay", "--in", input, "--out", output, "--svg", svg,
                                                   "--events", events])
        #expect(status == 0, "\(stderr)")
        let inLines = try String(contentsOfFile: input, encoding: .utf8).split(separator: "\n")
        let outLines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(outLines.first == "timestamp,value,anomaly_score,label,alert")
        #expect(outLines.count == inLines.count)
        for (a, b) in zip(inLines.dropFirst(), outLines.dropFirst()) {
            let fields = b.split(separator: ",")
            #expect(fields.count == 5)
            #expect("\(fields[0]),\(fields[1])" == a, "timestamp and value are copied verbatim")
            let score = try #require(Double(fields[2]))
            #expect(score >= 0 && score <= 1)
            #expect(fields[3] == "0" || fields[3] == "1")
            #expect(fields[4] == "0" || fields[4] == "1")
            if fields[3] == "1" { #expect(fields[4] == "1", "a row where an alert opens is alerting") }
        }
        // The alarm state: on from the opening row until the last alert closes, off before and after.
        let alerting = outLines.dropFirst().map { $0.split(separator: ",")[4] == "1" }
        let first = try #require(alerting.firstIndex(of: true))
        let last = try #require(alerting.lastIndex(of: true))
        #expect(first == 702)
        #expect(alerting[first...last].allSatisfy { $0 }, "one stretch of alarm")
        #expect(last < alerting.count - 1, "the alerts close once the signal is back")
        // The spike at row 700 is known for one two rows later, once the signal is back: its alerts open on row
        // 702 (and the quiet stretch before opens none). The score, causal, is highest on the spike's own row.
        let labels = outLines.dropFirst().map { $0.split(separator: ",")[3] }
        #expect(labels[702] == "1")
        #expect(!labels[0..<702].contains("1"))
        let scores = outLines.dropFirst().map { Double($0.split(separator: ",")[2])! }
        #expect(scores[700] == scores.max())
        #expect(scores[0..<700].allSatisfy { $0 < 0.5 }, "the clean stretch scores below the alarm level")
        // The events: the spike's alerts raised on row 702, describing the spike's own row, 700.
        let eventLines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n")
        #expect(eventLines.first == "row,timestamp,detector,event,sample_row,sample_timestamp,value,score,expected")
        let opens = eventLines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .filter { $0[3] == "open" }
        #expect(opens.map { "\($0[0]) \($0[2]) \($0[4])" } == ["702 spike 700", "702 score 700"], "\(opens)")
        #expect(opens.allSatisfy { $0[5] == inLines[701].split(separator: ",")[0] }, "the spike's own timestamp")
        let chart = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(chart.hasPrefix("<svg") && chart.contains("<polyline") && chart.contains("alert"))
    }

    @Test func usesTheBoardsChannelDetectors() throws {
        let dir = TemporaryDirectory()
        let input = self.series(dir)
        let board = dir.write("b.yaml", """
            gateway: g
            mqtt: {url: "mqtt://127.0.0.1"}
            devices:
              - id: plc
                tcp: 127.0.0.1
                channels:
                  - {id: level, table: holding, address: 0, detectors: {range: {max: 60}}}
            """)
        let output = dir.file("out.csv")
        let (status, _, _) = try runOTSentry(["replay", "--in", input, "--out", output, "--board", board,
                                              "--channel", "plc/level"])
        #expect(status == 0)
        let rows = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").dropFirst()
        let opened = rows.enumerated().filter { $0.element.split(separator: ",")[3] == "1" }.map(\.offset)
        #expect(opened == [700], "only the range limit at 60 fires, once")
        #expect(rows.allSatisfy { $0.split(separator: ",")[2] == "0.0" }, "no score detector: score 0")
    }

    /// A `;`-separated export with CRLF endings and a byte order mark, one column of several taken with --column.
    @Test func readsAColumnOfAWiderExport() throws {
        let dir = TemporaryDirectory()
        var text = "\u{FEFF}Zeit;Druck;Temperatur\r\n"
        var state: UInt64 = 7
        for i in 0..<900 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Double(state >> 40) / Double(1 << 24) - 0.5
            let minutes = i * 5
            let stamp = String(format: "2014-04-%02dT%02d:%02d:00Z", 1 + minutes / 1440, minutes / 60 % 24, minutes % 60)
            let temperature = 50 + noise + (i == 700 ? 40 : 0)
            text += "\(stamp);\"4,\(i % 3)\";\(String(format: "%.4f", temperature).replacingOccurrences(of: ".", with: ","))\r\n"
        }
        let input = dir.write("export.csv", text)
        let output = dir.file("out.csv")
        let (status, _, stderr) = try runOTSentry(["replay", "--in", input, "--out", output, "--column", "Temperatur"])
        #expect(status == 0, "\(stderr)")
        let rows = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.count == 900)
        let first = try #require(rows.first).split(separator: ",")
        #expect(first[0] == "2014-04-01T00:00:00Z")
        #expect(first[1].contains(".") && abs(Double(first[1])! - 50) <= 0.5, "the decimal comma is written as a point")
        let opened = rows.enumerated().filter { $0.element.split(separator: ",")[3] == "1" }.map(\.offset)
        #expect(opened.first == 702, "\(opened)")
    }

    @Test func badCSVNamesFileAndLine() throws {
        let dir = TemporaryDirectory()
        let input = dir.write("bad.csv", "timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00,abc\n")
        let (status, _, stderr) = try runOTSentry(["replay", "--in", input, "--out", dir.file("o.csv")])
        #expect(status == 65)
        #expect(stderr.contains("\(input):3: error: value: cannot read \"abc\""))
        let header = dir.write("h.csv", "time;a;b\n")
        let (status2, _, stderr2) = try runOTSentry(["replay", "--in", header, "--out", dir.file("o.csv")])
        #expect(status2 == 65 && stderr2.contains("\(header):1: error: expected the header \"timestamp,value\""))
        // A file read as one line (an unexpected line ending) is quoted at most 80 characters.
        let long = dir.write("long.csv", "timestamp,value\r" + String(repeating: "2014-04-01 00:00:00,x\u{0B}", count: 100) + "\r")
        let (status5, _, stderr5) = try runOTSentry(["replay", "--in", long, "--out", dir.file("o.csv")])
        #expect(status5 == 65)
        #expect(stderr5.contains("\(long):2: error: value: cannot read \""), "\(stderr5)")
        #expect(stderr5.count < 200, "\(stderr5)")
        let (status3, _, _) = try runOTSentry(["replay", "--in", dir.file("missing.csv"), "--out", dir.file("o.csv")])
        #expect(status3 == 65)
        let (status4, _, stderr4) = try runOTSentry(["replay", "--in", header, "--out", dir.file("o.csv"), "--channel", "x"])
        #expect(status4 == 64 && stderr4.contains("--board and --channel go together"))
    }
}
