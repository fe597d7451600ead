/// A Modbus exception code sent by a server instead of data (Modbus Application Protocol v1.1b3, §7).
public struct ModbusException: Sendable, Hashable, CustomStringConvertible {
    public var code: UInt8

    public init(code: UInt8) { self.code = code }

    public static let illegalFunction = ModbusException(code: 1)
    public static let illegalDataAddress = ModbusException(code: 2)
    public static let illegalDataValue = ModbusException(code: 3)
    public static let serverDeviceFailure = ModbusException(code: 4)
    public static let acknowledge = ModbusException(code: 5)
    public static let serverDeviceBusy = ModbusException(code: 6)
    public static let negativeAcknowledge = ModbusException(code: 7)
    public static let memoryParityError = ModbusException(code: 8)
    public static let gatewayPathUnavailable = ModbusException(code: 10)
    public static let gatewayTargetFailedToRespond = ModbusException(code: 11)

    public static let allKnown: [ModbusException] = [
        .illegalFunction, .illegalDataAddress, .illegalDataValue, .serverDeviceFailure, .acknowledge,
        .serverDeviceBusy, .negativeAcknowledge, .memoryParityError, .gatewayPathUnavailable,
        .gatewayTargetFailedToRespond,
    ]

    /// The name used by the Modbus specification.
    public var name: String {
        switch self.code {
        case 1: "ILLEGAL FUNCTION"
        case 2: "ILLEGAL DATA ADDRESS"
        case 3: "ILLEGAL DATA VALUE"
        case 4: "SERVER DEVICE FAILURE"
        case 5: "ACKNOWLEDGE"
        case 6: "SERVER DEVICE BUSY"
        case 7: "NEGATIVE ACKNOWLEDGE"
        case 8: "MEMORY PARITY ERROR"
        case 10: "GATEWAY PATH UNAVAILABLE"
        case 11: "GATEWAY TARGET DEVICE FAILED TO RESPOND"
        default: "UNKNOWN EXCEPTION"
        }
    }

    public var description: String { "exception \(self.code) \(self.name)" }
}
