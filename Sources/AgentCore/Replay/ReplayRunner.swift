import Detectors

/// `otsentry replay`: the detector bank of a channel run causally over a recorded series, row by row, exactly as
/// the agent runs it on polled samples.
public enum ReplayRunner {
    public struct Row: Sendable {
        public var score: Double
        /// An alert opened on this row (any detector).
        public var opened: Bool
    }

    /// One alert from open to close (or to the end of the series), for charts.
    public struct Interval: Sendable {
        public var kind: DetectorKind
        public var start: Int
        public var end: Int
    }

    public static func run(_ series: ReplaySeries, configuration: DetectorBankConfiguration) -> (rows: [Row], intervals: [Interval]) {
        let bank = DetectorBank(configuration)
        var rows: [Row] = []
        rows.reserveCapacity(series.values.count)
        var intervals: [Interval] = []
        var openAt = [Int?](repeating: nil, count: DetectorKind.allCases.count)
        for i in series.values.indices {
            bank.update(series.values[i], at: series.times[i])
            var opened = false
            for event in bank.events {
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
            rows.append(Row(score: series.values[i].isNaN ? 0 : bank.lastScore, opened: opened))
        }
        for kind in DetectorKind.allCases {
            if let start = openAt[kind.index] {
                intervals.append(Interval(kind: kind, start: start, end: series.values.count - 1))
            }
        }
        return (rows, intervals)
    }

    /// `timestamp,value,anomaly_score,label`: timestamps and values verbatim, scores in full precision.
    public static func csv(_ series: ReplaySeries, _ rows: [Row]) -> String {
        var out = "timestamp,value,anomaly_score,label\n"
        out.reserveCapacity(series.values.count * 48)
        for i in rows.indices {
            out += series.timestampTexts[i]
            out += ","
            out += series.valueTexts[i]
            out += ","
            out += "\(rows[i].score)"
            out += rows[i].opened ? ",1\n" : ",0\n"
        }
        return out
    }
}
