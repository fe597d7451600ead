import BoardFile
import Logging
import Modbus
import Posix
import Registers

/// `otsentry simulate`: libmodbus TCP servers that serve every TCP device of a board, with each channel's
/// registers animated by its ``SignalModel`` every 10 ms.
///
/// Without a listen address each device is served at its own `tcp:` endpoint (devices sharing an endpoint are
/// told apart by unit id); with one, every device is served there by unit id.
public final class Simulator: @unchecked Sendable {
    struct ServedChannel {
        let table: RegisterTable
        let address: Int
        let codec: ValueCodec
        let scaling: Scaling
        let model: SignalModel
        let text: String
    }

    struct ServedDevice {
        let id: String
        let unit: Int
        let server: ModbusServer
        let channels: [ServedChannel]
    }

    public let servers: [ModbusServer]
    private let devices: [ServedDevice]
    private let stop = StopSignal()
    private var thread: PosixThread?
    private let start = MonotonicClock.now()
    private let logger: Logger

    /// Update period of the served registers.
    public static let tickNanoseconds: Int64 = 10_000_000

    public init(board: Board, listen: Endpoint? = nil, logger: Logger) throws(SimulatorError) {
        self.logger = logger
        var groups: [(endpoint: Endpoint, devices: [DeviceDefinition])] = []
        for device in board.devices {
            guard case .tcp(let own) = device.transport else { continue }
            let endpoint = listen ?? own
            if let i = groups.firstIndex(where: { $0.endpoint == endpoint }) {
                groups[i].devices.append(device)
            } else {
                groups.append((endpoint, [device]))
            }
        }
        guard !groups.isEmpty else { throw .noTCPDevices }
        var servers: [ModbusServer] = []
        var served: [ServedDevice] = []
        for group in groups {
            var byUnit: [Int: [String]] = [:]
            for d in group.devices { byUnit[d.unit, default: []].append(d.id) }
            if let (unit, ids) = byUnit.first(where: { $0.value.count > 1 }) {
                throw .sharedUnit(unit: unit, devices: ids, endpoint: "\(group.endpoint)")
            }
            let server: ModbusServer
            do {
                server = try ModbusServer(host: group.endpoint.host, port: group.endpoint.port,
                                          units: group.devices.map(\.unit))
            } catch {
                throw .listen(endpoint: "\(group.endpoint)", error)
            }
            servers.append(server)
            for d in group.devices {
                let channels = d.channels.map { c in
                    ServedChannel(table: c.table, address: c.address, codec: c.codec, scaling: c.scaling,
                                  model: SignalModel.model(for: c, device: d.id),
                                  text: c.simulation?.text.isEmpty == false ? c.simulation!.text : c.id.uppercased())
                }
                served.append(ServedDevice(id: d.id, unit: d.unit, server: server, channels: channels))
            }
        }
        self.servers = servers
        self.devices = served
        self.update()
    }

    /// Starts serving and animating.
    public func run() {
        for server in self.servers { server.start() }
        for d in self.devices {
            self.logger.info("serving device", metadata: [
                "device": "\(d.id)", "unit": "\(d.unit)", "endpoint": "\(d.server.host):\(d.server.port)",
                "channels": "\(d.channels.count)",
            ])
        }
        self.thread = PosixThread(name: "simulate") { [self] in
            var next = MonotonicClock.now()
            while !self.stop.isFired {
                self.update()
                next += Self.tickNanoseconds
                self.stop.wait(untilMonotonic: next)
            }
        }
    }

    public func shutdown() {
        self.stop.fire()
        self.thread?.join()
        for server in self.servers { server.stop() }
    }

    /// Seconds since the simulation started.
    public var elapsed: Double { Double(MonotonicClock.now() - self.start) / 1e9 }

    private func update() {
        let t = self.elapsed
        var words = [UInt16](repeating: 0, count: ChannelDefinition.maxStringLength)
        for d in self.devices {
            d.server.withRegisters { maps in
                guard let map = maps[UInt8(truncatingIfNeeded: d.unit)] else { return }
                for c in d.channels {
                    let value = c.model.value(at: t)
                    if c.table.holdsBits {
                        map[c.table, c.address] = value >= 0.5 ? 1 : 0
                        continue
                    }
                    let count = c.codec.registerCount
                    for i in 0..<count { words[i] = map[c.table, c.address + i] }
                    words.withUnsafeMutableBufferPointer { buf in
                        RegisterEncoder.encode(c.scaling.invert(value), text: c.text, codec: c.codec, into: buf)
                    }
                    for i in 0..<count { map[c.table, c.address + i] = words[i] }
                }
            }
        }
    }
}
