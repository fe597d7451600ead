/// The identifier charset used in topics: `[a-z0-9][a-z0-9_-]*`, at most 64 bytes. No `/`, `+`, `#`, spaces or
/// control characters can reach an MQTT topic through an identifier.
public enum Identifier {
    public static let maxLength = 64
    public static let rule = "[a-z0-9][a-z0-9_-]*, at most 64 characters"

    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, bytes.count <= self.maxLength, isLowerAlnum(first) else { return false }
        return bytes.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }
}
