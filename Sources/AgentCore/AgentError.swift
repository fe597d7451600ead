import BoardFile
import Modbus
import Mosquitto
import Spool

/// Why the agent could not start.
public enum AgentError: Error, Sendable, CustomStringConvertible {
    /// True when the cause is the configuration (sysexits EX_CONFIG) rather than an unavailable resource.
    public var isConfiguration: Bool {
        if case .secret = self { return true }
        return false
    }

    case mqtt(MosquittoError)
    case modbus(device: String, ModbusError)
    case state(SpoolError)
    /// The MQTT password file is unreadable or too open (a configuration error: exit 78).
    case secret(SecretFileError)

    public var description: String {
        switch self {
        case .mqtt(let e): "MQTT: \(e)"
        case .modbus(let device, let e): "device \(device): \(e)"
        case .state(let e): "state directory: \(e)"
        case .secret(let e): "mqtt.password_file: \(e)"
        }
    }
}
