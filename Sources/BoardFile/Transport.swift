/// How a device is reached.
public enum Transport: Sendable, Hashable, CustomStringConvertible {
    /// Modbus TCP to `host:port` (default port 502).
    case tcp(Endpoint)

    public var description: String {
        switch self {
        case .tcp(let endpoint): "tcp \(endpoint)"
        }
    }

    public static let defaultTCPPort = 502
}
