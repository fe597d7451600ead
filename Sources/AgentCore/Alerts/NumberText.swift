import Glibc

/// Short numbers for alert sentences: 6 significant digits at most (`180.547`, `0.000123457`, `12345700`).
enum NumberText {
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "n/a" : (x > 0 ? "inf" : "-inf") }
        guard x != 0 else { return "0" }
        let exponent = Int(floor(log10(abs(x))))
        // Divide or multiply by an exact power of ten, so that the result is the double nearest the decimal.
        let rounded = exponent <= 5
            ? (x * pow(10, Double(5 - exponent))).rounded() / pow(10, Double(5 - exponent))
            : (x / pow(10, Double(exponent - 5))).rounded() * pow(10, Double(exponent - 5))
        let w = JSONWriter(capacity: 40)
        w.number(rounded)
        return w.text
    }
}
