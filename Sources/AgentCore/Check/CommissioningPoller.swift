import BoardFile
import Modbus
import Posix
import Registers

/// `otsentry poll`: reads devices with the board's own plan and decoders, on the calling thread, and reports
/// every channel with its raw registers. Read-only, like the agent.
public final class CommissioningPoller {
    private struct Bus {
        let connection: ModbusConnection
        let devices: [DeviceRuntime]
        let turnaround: Int64
    }

    private let buses: [Bus]

    /// Polls `devices` (ids), or every device of the board when nil.
    public init(board: Board, devices: [String]? = nil) throws(AgentError) {
        let topics = Topics(board: board)
        self.buses = try BusLayout.build(board, only: devices.map(Set.init)).map { bus in
            Bus(connection: bus.connection,
                devices: bus.devices.map {
                    DeviceRuntime($0, summaryInterval: board.summaryInterval, topics: topics, captureRaw: true)
                },
                turnaround: bus.turnaround.nanoseconds)
        }
    }

    /// The shortest poll interval of the polled devices.
    public var interval: Duration {
        .nanoseconds(self.buses.flatMap(\.devices).flatMap { $0.groups.map(\.interval) }.min() ?? 1_000_000_000)
    }

    /// Runs one cycle of every group of every device (connecting first when needed) and returns the readings.
    public func pollOnce() -> [DeviceReading] {
        var readings: [DeviceReading] = []
        for bus in self.buses {
            var connectError: String?
            if !bus.connection.isConnected {
                do throws(ModbusError) {
                    try bus.connection.connect()
                } catch {
                    connectError = "\(error)"
                }
            }
            for device in bus.devices {
                var error = connectError
                if connectError == nil {
                    for g in device.groups.indices {
                        let result = device.poll(group: g, on: bus.connection) { earliest in
                            var target = earliest
                            if bus.turnaround > 0 {
                                target = max(target, (bus.devices.map(\.lastRequestEnd).max() ?? 0) + bus.turnaround)
                            }
                            let wait = target - MonotonicClock.now()
                            if wait > 0 { MonotonicClock.sleep(seconds: Double(wait) / 1e9) }
                            return true
                        }
                        if let e = result.firstError, error == nil { error = "\(e)" }
                    }
                }
                readings.append(self.reading(device, error: error))
            }
        }
        return readings
    }

    private func reading(_ device: DeviceRuntime, error: String?) -> DeviceReading {
        let now = MonotonicClock.now()
        let channels = device.definition.channels.indices.map { i -> ChannelReading in
            let definition = device.definition.channels[i]
            let runtime = device.channels[i]
            let good = runtime.lastGood > 0
            let raw: [UInt16] = !good ? [] : definition.table.holdsBits ? [UInt16(runtime.lastValue)] : Array(runtime.lastWords)
            let value: Double? = good ? runtime.lastValue : nil
            let text = definition.type == .string && good ? definition.codec.text(raw) : nil
            return ChannelReading(
                id: definition.id, location: "\(definition.table.rawValue) \(definition.address)", raw: raw,
                value: definition.type == .string ? nil : value, text: text, isFloat32: runtime.singlePrecision,
                unit: definition.unit,
                quality: runtime.lastFailed ? "bad" : (good ? "good" : "stale"),
                age: good ? Double(now - runtime.lastGood) / 1e9 : nil)
        }
        return DeviceReading(device: device.definition.id, error: error, channels: channels)
    }
}
