import Modbus
import Mosquitto
import Spool

/// Why the agent could not start.
public enum AgentError: Error, Sendable, CustomStringConvertible {
    case mqtt(MosquittoError)
    case modbus(device: String, ModbusError)
    case state(SpoolError)

    public var description: String {
        switch self {
        case .mqtt(let e): "MQTT: \(e)"
        case .modbus(let device, let e): "device \(device): \(e)"
        case .state(let e): "state directory: \(e)"
        }
    }
}
