/// A scalar with the facts a strict reader needs: its text, whether it was quoted, and where it starts.
public struct YAMLScalar: Sendable, Hashable {
    public enum Style: Sendable, Hashable {
        /// Unquoted: may stand for a number, a boolean or null.
        case plain
        /// Single- or double-quoted: always a string.
        case quoted
        /// Literal (`|`) or folded (`>`) block: always a string.
        case block
    }

    public var value: String
    public var style: Style
    /// An explicit tag such as `!!str`, if the author wrote one.
    public var tag: String?
    public var mark: YAMLMark

    public init(value: String, style: Style, tag: String? = nil, mark: YAMLMark) {
        self.value = value
        self.style = style
        self.tag = tag
        self.mark = mark
    }

    /// True for the YAML null forms (`~`, `null`, empty) written plain.
    public var isNull: Bool {
        self.style == .plain && self.tag == nil && ["", "~", "null", "Null", "NULL"].contains(self.value)
    }
}
