/// Sizes in board files: a number of bytes, or a number with `KiB`, `MiB`, `GiB` (powers of 1024) or `KB`, `MB`,
/// `GB` (powers of 1000): `64MiB`, `512KiB`, `1GB`.
public enum ByteSize {
    public static func parse(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, let value = Double(digits), value.isFinite else { return nil }
        let unit = text.dropFirst(digits.count).trimmingCharacters()
        let factor: Double
        switch unit {
        case "", "B": factor = 1
        case "KiB": factor = 1024
        case "MiB": factor = 1024 * 1024
        case "GiB": factor = 1024 * 1024 * 1024
        case "KB", "kB": factor = 1000
        case "MB": factor = 1_000_000
        case "GB": factor = 1_000_000_000
        default: return nil
        }
        let bytes = value * factor
        guard bytes < 1e15 else { return nil }
        return Int(bytes)
    }
}

extension Substring {
    func trimmingCharacters() -> Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
