import BoardFile
import Logging
import Modbus
import Posix

/// One bus: one Modbus link, one kernel thread, its devices polled strictly one transaction at a time. Blocking
/// libmodbus calls happen only here, never in an actor or async code.
final class BusWorker: @unchecked Sendable {
    let name: String
    private let connection: ModbusConnection
    private let devices: [DeviceRuntime]
    private let publisher: Publisher
    private let logger: Logger
    private let stop: StopSignal
    private var backoff = ReconnectBackoff()
    private var reconnectAt: Int64 = 0
    private var thread: PosixThread?

    /// Consecutive cycles in which every request timed out before the link is dropped and reopened.
    static let timeoutCyclesBeforeReconnect = 3

    init(name: String, connection: ModbusConnection, devices: [DeviceRuntime], publisher: Publisher, logger: Logger,
         stop: StopSignal) {
        self.name = name
        self.connection = connection
        self.devices = devices
        self.publisher = publisher
        self.logger = logger
        self.stop = stop
    }

    func start() {
        self.thread = PosixThread(name: "bus-\(self.name)") { [self] in self.run() }
    }

    func join() { self.thread?.join() }

    private func run() {
        while !self.stop.isFired {
            let now = MonotonicClock.now()
            if !self.connection.isConnected && now >= self.reconnectAt {
                self.connect()
            }
            if self.connection.isConnected {
                for device in self.devices where MonotonicClock.now() >= device.nextPoll {
                    guard self.connection.isConnected else { break }
                    self.cycle(device)
                }
            }
            let afterPoll = MonotonicClock.now()
            for device in self.devices where afterPoll >= device.nextSummary {
                self.publishSummary(device)
            }
            var wake = self.devices.map(\.nextSummary).min() ?? afterPoll + 1_000_000_000
            if self.connection.isConnected {
                wake = min(wake, self.devices.map(\.nextPoll).min() ?? wake)
            } else {
                wake = min(wake, self.reconnectAt)
            }
            self.stop.wait(untilMonotonic: wake)
        }
        self.connection.close()
    }

    private func connect() {
        do throws(ModbusError) {
            try self.connection.connect()
            self.backoff.reset()
            self.logger.info("connected to device", metadata: ["bus": "\(self.name)",
                                                                "endpoint": "\(self.connection.endpoint)"])
        } catch {
            let delay = self.backoff.next()
            self.reconnectAt = MonotonicClock.now() + delay
            for device in self.devices {
                self.setStatus(device, .offline, error: "\(error)", retryIn: delay)
            }
        }
    }

    private func cycle(_ device: DeviceRuntime) {
        let result = device.poll(self.connection)
        let now = MonotonicClock.now()
        repeat { device.nextPoll += device.pollInterval } while device.nextPoll <= now
        if let error = result.firstError {
            if result.timedOut == device.plan.requests.count {
                device.timedOutCycles += 1
            } else {
                device.timedOutCycles = 0
            }
            var reconnect = result.linkDown
            if device.timedOutCycles >= Self.timeoutCyclesBeforeReconnect {
                reconnect = true
                device.timedOutCycles = 0
            }
            var delay: Int64?
            if reconnect {
                self.connection.close()
                let d = self.backoff.next()
                self.reconnectAt = now + d
                delay = d
            }
            let message = result.failed > 1 ? "\(error) (and \(result.failed - 1) more failed requests)" : "\(error)"
            self.setStatus(device, .offline, error: message, retryIn: delay)
        } else {
            device.timedOutCycles = 0
            self.setStatus(device, .online, error: nil, retryIn: nil)
        }
    }

    private func publishSummary(_ device: DeviceRuntime) {
        let nowWall = WallClock.nowMilliseconds()
        device.buildSummary(nowWall: nowWall)
        let now = MonotonicClock.now()
        repeat { device.nextSummary += device.summaryInterval } while device.nextSummary <= now
        if device.writer.overflowed {
            self.logger.error("summary larger than its buffer; not published", metadata: ["device": "\(device.definition.id)"])
            return
        }
        self.publisher.publish(topic: device.summaryTopic, payload: device.writer.bytes, qos: self.publisher.summaryQoS)
    }

    private func setStatus(_ device: DeviceRuntime, _ state: DeviceState, error: String?, retryIn: Int64?) {
        guard device.state != state || device.error != error else { return }
        device.state = state
        device.error = error
        let payload = device.statusPayload(nowWall: WallClock.nowMilliseconds())
        self.publisher.publishRetained(topic: device.statusTopic, payload: payload)
        var metadata: Logger.Metadata = ["device": "\(device.definition.id)"]
        if let error { metadata["error"] = "\(error)" }
        if let retryIn { metadata["retry_in_ms"] = "\(retryIn / 1_000_000)" }
        if state == .online {
            self.logger.info("device online", metadata: metadata)
        } else {
            self.logger.warning("device offline", metadata: metadata)
        }
    }

    /// Marks every device offline (clean shutdown).
    func publishStopped() {
        for device in self.devices {
            self.setStatus(device, .offline, error: "agent stopped", retryIn: nil)
        }
    }
}
