/// A protobuf message that cannot be read.
public enum ProtobufError: Error, Sendable, Hashable, CustomStringConvertible {
    case truncated
    case malformed(String)

    public var description: String {
        switch self {
        case .truncated: "truncated protobuf message"
        case .malformed(let why): "malformed protobuf message: \(why)"
        }
    }
}
