/// A sequence in source order.
public struct YAMLSequence: Sendable, Hashable {
    public var items: [YAMLNode]
    public var mark: YAMLMark

    public init(items: [YAMLNode], mark: YAMLMark) {
        self.items = items
        self.mark = mark
    }
}
