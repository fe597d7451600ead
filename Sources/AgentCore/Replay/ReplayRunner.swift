import Detectors

/// `otsentry replay`: the detector bank of a channel run causally over a recorded series, row by row, exactly as
/// the agent runs it on polled samples.
public enum ReplayRunner {
    public struct Row: Sendable {
        public var score: Double
        /// An alert opened on this row (any detector).
        public var opened: Bool
        /// At least one alert is open after this row: the alarm state, for interval metrics and plots.
        public var alerting: Bool

        public init(score: Double, opened: Bool, alerting: Bool) {
            self.score = score
            self.opened = opened
            self.alerting = alerting
        }
    }

    /// One alert from open to close (or to the end of the series), for charts.
    public struct Interval: Sendable {
        public var kind: DetectorKind
        public var start: Int
        public var end: Int
    }

    /// One alert event, on the row of the sample that raised it.
    public struct Event: Sendable {
        public var row: Int
        public var event: AlertEvent
    }

    public static func run(_ series: ReplaySeries, configuration: DetectorBankConfiguration)
        -> (rows: [Row], intervals: [Interval], events: [Event])
    {
        let bank = DetectorBank(configuration)
        var rows: [Row] = []
        rows.reserveCapacity(series.values.count)
        var intervals: [Interval] = []
        var events: [Event] = []
        var openAt = [Int?](repeating: nil, count: DetectorKind.allCases.count)
        for i in series.values.indices {
            bank.update(series.values[i], at: series.times[i])
            var opened = false
            for event in bank.events {
                events.append(Event(row: i, event: event))
                switch event.transition {
                case .open:
                    opened = true
                    openAt[event.kind.index] = i
                case .close:
                    if let start = openAt[event.kind.index] {
                        intervals.append(Interval(kind: event.kind, start: start, end: i))
                        openAt[event.kind.index] = nil
                    }
                case .update:
                    break
                }
            }
            rows.append(Row(score: series.values[i].isNaN ? 0 : bank.lastScore, opened: opened,
                            alerting: bank.openCount > 0))
        }
        for kind in DetectorKind.allCases {
            if let start = openAt[kind.index] {
                intervals.append(Interval(kind: kind, start: start, end: series.values.count - 1))
            }
        }
        return (rows, intervals, events)
    }

    /// `row,timestamp,detector,event,sample_row,sample_timestamp,value,score,expected`: every alert event, for
    /// tuning (which detector opened where, and why). `row` (from 0) and `timestamp` are where the event was raised;
    /// `sample_*` the sample it describes, `value` being that sample's (a spike's peak, known once it is over, is
    /// a few rows earlier).
    public static func eventsCSV(_ series: ReplaySeries, _ events: [Event]) -> String {
        var out = "row,timestamp,detector,event,sample_row,sample_timestamp,value,score,expected\n"
        for e in events {
            var sample = e.row
            while sample > 0 && series.times[sample] > e.event.time && series.times[sample - 1] >= e.event.time {
                sample -= 1
            }
            out += "\(e.row),"
            Self.field(series.timestampTexts[e.row], to: &out)
            out += ",\(e.event.kind.rawValue),\(e.event.transition.rawValue),\(sample),"
            Self.field(series.timestampTexts[sample], to: &out)
            out += ",\(e.event.value),\(e.event.verdict.score),"
            out += e.event.verdict.expected.isNaN ? "\n" : "\(e.event.verdict.expected)\n"
        }
        return out
    }

    /// `timestamp,value,anomaly_score,label,alert`: timestamps and values verbatim (quoted where they hold a
    /// comma, a quote or a line break), scores in full precision, `label` 1 where an alert opens, `alert` 1 while
    /// one is open.
    public static func csv(_ series: ReplaySeries, _ rows: [Row]) -> String {
        var out = "timestamp,value,anomaly_score,label,alert\n"
        out.reserveCapacity(series.values.count * 52)
        for i in rows.indices {
            Self.field(series.timestampTexts[i], to: &out)
            out += ","
            Self.field(series.valueTexts[i], to: &out)
            out += ","
            out += "\(rows[i].score)"
            out += rows[i].opened ? ",1" : ",0"
            out += rows[i].alerting ? ",1\n" : ",0\n"
        }
        return out
    }

    /// A field as RFC 4180 writes it: quoted, with doubled quotes, only where it needs to be.
    static func field(_ text: String, to out: inout String) {
        let special = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }
        guard special else {
            out += text
            return
        }
        out += "\""
        for c in text {
            if c == "\"" { out += "\"" }
            out.append(c)
        }
        out += "\""
    }
}
