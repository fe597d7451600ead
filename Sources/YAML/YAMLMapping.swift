/// A mapping in source order. Duplicate keys are kept so that the reader can report them.
public struct YAMLMapping: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var key: YAMLScalar
        public var value: YAMLNode
    }

    public var entries: [Entry]
    public var mark: YAMLMark

    public init(entries: [Entry], mark: YAMLMark) {
        self.entries = entries
        self.mark = mark
    }

    /// The first entry with this key.
    public subscript(key: String) -> YAMLNode? {
        self.entries.first { $0.key.value == key }?.value
    }
}
