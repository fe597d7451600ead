import BoardFile
import Modbus

/// The buses of a board: devices sharing a serial port, or a TCP address (a gateway with several units behind
/// it), share one link and are polled one transaction at a time.
struct BusLayout {
    let name: String
    let connection: ModbusConnection
    let turnaround: Duration
    let devices: [DeviceDefinition]

    static func build(_ board: Board, only deviceIDs: Set<String>? = nil) throws(AgentError) -> [BusLayout] {
        var groups: [(key: String, devices: [DeviceDefinition])] = []
        for device in board.devices where deviceIDs?.contains(device.id) ?? true {
            if let i = groups.firstIndex(where: { $0.key == device.transport.busKey }) {
                groups[i].devices.append(device)
            } else {
                groups.append((device.transport.busKey, [device]))
            }
        }
        var buses: [BusLayout] = []
        for group in groups {
            let first = group.devices[0]
            do {
                switch first.transport {
                case .tcp(let endpoint):
                    let connection = try ModbusConnection(tcpHost: endpoint.host, port: endpoint.port)
                    buses.append(BusLayout(name: first.id, connection: connection, turnaround: .zero,
                                           devices: group.devices))
                case .rtu(let portName):
                    guard let port = board.port(named: portName) else { preconditionFailure("validated board") }
                    let connection = try ModbusConnection(serialDevice: port.device, baud: port.baud,
                                                          parity: port.parity.letter, dataBits: port.dataBits,
                                                          stopBits: port.stopBits, rs485: port.rs485)
                    buses.append(BusLayout(name: portName, connection: connection, turnaround: port.turnaround,
                                           devices: group.devices))
                }
            } catch {
                throw .modbus(device: first.id, error)
            }
        }
        return buses
    }
}
