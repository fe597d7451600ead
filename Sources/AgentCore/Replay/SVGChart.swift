import Detectors
import Glibc

/// The replay chart: the signal on top, the anomaly score below, and every alert as a shaded interval, so that an
/// engineer can tune a channel by looking. Plain SVG, no script.
public enum SVGChart {
    static let colors: [DetectorKind: String] = [
        .range: "#d62728", .rate: "#9467bd", .spike: "#ff7f0e", .shift: "#8c564b", .flatline: "#17becf", .score: "#e377c2",
    ]

    public static func render(_ series: ReplaySeries, rows: [ReplayRunner.Row], intervals: [ReplayRunner.Interval],
                              title: String, threshold: Double?) -> String {
        let width = 1400.0, left = 70.0, right = 20.0, plotWidth = width - left - right
        let signalTop = 40.0, signalHeight = 300.0, scoreTop = 380.0, scoreHeight = 120.0
        let height = scoreTop + scoreHeight + 50
        let n = series.values.count
        let finite = series.values.filter { $0.isFinite }
        var lo = finite.min() ?? 0, hi = finite.max() ?? 1
        if hi == lo { hi = lo + 1 }
        let pad = (hi - lo) * 0.05
        lo -= pad
        hi += pad
        func x(_ i: Int) -> Double { left + plotWidth * (n > 1 ? Double(i) / Double(n - 1) : 0) }
        func ySignal(_ v: Double) -> Double { signalTop + signalHeight * (1 - (v - lo) / (hi - lo)) }
        func yScore(_ s: Double) -> Double { scoreTop + scoreHeight * (1 - min(max(s, 0), 1)) }
        func f(_ v: Double) -> String { "\((v * 10).rounded() / 10)" }

        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        svg += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(left)\" y=\"22\" font-size=\"15\">\(Self.escape(title))</text>\n"
        for interval in intervals {
            let x0 = x(interval.start), x1 = max(x(interval.end), x0 + 1)
            let color = Self.colors[interval.kind] ?? "#d62728"
            svg += "<rect x=\"\(f(x0))\" y=\"\(signalTop)\" width=\"\(f(x1 - x0))\" height=\"\(scoreTop + scoreHeight - signalTop)\" "
            svg += "fill=\"\(color)\" fill-opacity=\"0.18\"><title>\(interval.kind.rawValue) alert: "
            svg += "\(Self.escape(String(series.timestampTexts[interval.start]))) to "
            svg += "\(Self.escape(String(series.timestampTexts[interval.end])))</title></rect>\n"
        }
        for (top, h) in [(signalTop, signalHeight), (scoreTop, scoreHeight)] {
            svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(h)\" fill=\"none\" stroke=\"#999\"/>\n"
        }
        svg += Self.polyline((0..<n).compactMap { i in series.values[i].isFinite ? (x(i), ySignal(series.values[i])) : nil },
                             color: "#1f77b4")
        svg += Self.polyline((0..<n).map { i in (x(i), yScore(rows[i].score)) }, color: "#e377c2")
        if let threshold {
            svg += "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(f(yScore(threshold)))\" y2=\"\(f(yScore(threshold)))\" "
            svg += "stroke=\"#e377c2\" stroke-dasharray=\"4 3\"/>\n"
        }
        svg += "<text x=\"8\" y=\"\(signalTop + 12)\">\(Self.escape(NumberText.short(hi)))</text>\n"
        svg += "<text x=\"8\" y=\"\(signalTop + signalHeight)\">\(Self.escape(NumberText.short(lo)))</text>\n"
        svg += "<text x=\"8\" y=\"\(scoreTop + 12)\">score 1</text>\n<text x=\"8\" y=\"\(scoreTop + scoreHeight)\">0</text>\n"
        if n > 0 {
            svg += "<text x=\"\(left)\" y=\"\(scoreTop + scoreHeight + 18)\">\(Self.escape(String(series.timestampTexts[0])))</text>\n"
            svg += "<text x=\"\(left + plotWidth)\" y=\"\(scoreTop + scoreHeight + 18)\" text-anchor=\"end\">"
            svg += "\(Self.escape(String(series.timestampTexts[n - 1])))</text>\n"
        }
        var legendX = left
        for kind in DetectorKind.allCases where intervals.contains(where: { $0.kind == kind }) {
            svg += "<rect x=\"\(f(legendX))\" y=\"\(scoreTop + scoreHeight + 28)\" width=\"12\" height=\"12\" "
            svg += "fill=\"\(Self.colors[kind] ?? "#d62728")\" fill-opacity=\"0.4\"/>"
            svg += "<text x=\"\(f(legendX + 16))\" y=\"\(scoreTop + scoreHeight + 39)\">\(kind.rawValue) alert</text>\n"
            legendX += 110
        }
        svg += "</svg>\n"
        return svg
    }

    private static func polyline(_ points: [(Double, Double)], color: String) -> String {
        var text = "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1\" points=\""
        text.reserveCapacity(points.count * 14)
        for (x, y) in points {
            text += "\((x * 10).rounded() / 10),\((y * 10).rounded() / 10) "
        }
        return text + "\"/>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }
}
