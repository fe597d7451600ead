import Posix

/// A failed Modbus operation: what failed (``ModbusOperation``) and why (``Kind``).
public struct ModbusError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        /// The server answered with an exception code.
        case exception(ModbusException)
        /// No (complete) answer within the response timeout.
        case timedOut
        /// The connection is gone or could not be made (refused, reset, broken pipe, unreachable): reconnect.
        case linkDown(SystemError)
        /// The answer broke the protocol (bad CRC, wrong transaction or unit, wrong length).
        case protocolViolation(String)
        /// Any other system error.
        case system(SystemError)

        public var description: String {
            switch self {
            case .exception(let e): "\(e)"
            case .timedOut: "timed out"
            case .linkDown(let e): "\(e)"
            case .protocolViolation(let what): what
            case .system(let e): "\(e)"
            }
        }
    }

    public var kind: Kind
    public var operation: ModbusOperation

    public init(_ kind: Kind, during operation: ModbusOperation) {
        self.kind = kind
        self.operation = operation
    }

    /// The link must be closed and opened again before the next request.
    public var requiresReconnect: Bool {
        if case .linkDown = self.kind { return true }
        if case .connect = self.operation { return true }
        return false
    }

    public var description: String { "\(self.operation): \(self.kind)" }
}
