import Registers

/// What was being done when an error happened: the context carried by every ``ModbusError``.
public enum ModbusOperation: Sendable, Hashable, CustomStringConvertible {
    case connect(endpoint: String)
    case read(unit: Int, table: RegisterTable, address: Int, count: Int)
    case reportServerID(unit: Int)
    case readDeviceIdentification(unit: Int)

    public var description: String {
        switch self {
        case .connect(let endpoint):
            return "connect to \(endpoint)"
        case .read(let unit, let table, let address, let count):
            let range = count == 1 ? "\(address)" : "\(address)..\(address + count - 1)"
            return "read \(table.rawValue) \(range) (unit \(unit))"
        case .reportServerID(let unit):
            return "report server id (unit \(unit))"
        case .readDeviceIdentification(let unit):
            return "read device identification (unit \(unit))"
        }
    }
}
