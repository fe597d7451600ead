/// Bounds on what the parser accepts; exceeding one is an error, never an allocation.
public struct YAMLLimits: Sendable, Hashable {
    /// Largest accepted document, in bytes.
    public var maxBytes: Int
    /// Deepest nesting of mappings and sequences.
    public var maxDepth: Int
    /// Most nodes (scalars, mappings, sequences) in one document.
    public var maxNodes: Int
    /// Longest scalar, in bytes.
    public var maxScalarBytes: Int

    public init(maxBytes: Int = 4 << 20, maxDepth: Int = 32, maxNodes: Int = 500_000, maxScalarBytes: Int = 4096) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxScalarBytes = maxScalarBytes
    }

    public static let `default` = YAMLLimits()
}
