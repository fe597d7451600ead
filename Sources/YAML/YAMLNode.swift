/// A node of a YAML document, as parsed by libyaml, with source marks. Anchors and aliases are refused by the
/// parser (they are not needed in board files and are the classic memory-amplification attack).
public indirect enum YAMLNode: Sendable, Hashable {
    case scalar(YAMLScalar)
    case mapping(YAMLMapping)
    case sequence(YAMLSequence)

    public var mark: YAMLMark {
        switch self {
        case .scalar(let s): s.mark
        case .mapping(let m): m.mark
        case .sequence(let s): s.mark
        }
    }

    /// "a mapping", "a sequence", "a string"… for messages.
    public var kindDescription: String {
        switch self {
        case .scalar(let s): s.isNull ? "null" : "a scalar"
        case .mapping: "a mapping"
        case .sequence: "a sequence"
        }
    }
}
