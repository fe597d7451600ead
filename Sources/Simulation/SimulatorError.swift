import Modbus

/// Why the simulator could not start.
public enum SimulatorError: Error, Sendable, CustomStringConvertible {
    case noTCPDevices
    case sharedUnit(unit: Int, devices: [String], endpoint: String)
    case listen(endpoint: String, ModbusError)

    public var description: String {
        switch self {
        case .noTCPDevices:
            "the board has no TCP device to simulate"
        case .sharedUnit(let unit, let devices, let endpoint):
            "devices \(devices.joined(separator: ", ")) all use unit \(unit) on \(endpoint); a server can serve a unit once"
        case .listen(let endpoint, let error):
            "cannot listen on \(endpoint): \(error.kind)"
        }
    }
}
