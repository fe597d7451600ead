/// How a device is reached.
public enum Transport: Sendable, Hashable, CustomStringConvertible {
    /// Modbus TCP to `host:port` (default port 502).
    case tcp(Endpoint)
    /// Modbus RTU on the named serial port of the board's `ports:`.
    case rtu(port: String)

    public var description: String {
        switch self {
        case .tcp(let endpoint): "tcp \(endpoint)"
        case .rtu(let port): "rtu \(port)"
        }
    }

    /// The bus the device is polled on: devices with the same bus share one connection and one thread.
    public var busKey: String {
        switch self {
        case .tcp(let endpoint): "tcp:\(endpoint)"
        case .rtu(let port): "rtu:\(port)"
        }
    }

    public var isTCP: Bool {
        if case .tcp = self { return true }
        return false
    }

    public static let defaultTCPPort = 502
}
