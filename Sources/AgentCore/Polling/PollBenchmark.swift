import BoardFile
import Glibc
import Modbus
import Posix

/// Drives the agent's own poll path (``DeviceRuntime/poll(group:on:waitForBus:)``: requests, decoding, rings,
/// statistics) back to back on the calling thread, for the poll-throughput benchmark under `Benchmarks/`.
public enum PollBenchmark {
    public struct Result: Sendable {
        public var cycles: Int
        public var requests: Int
        public var registers: Int
        public var failures: Int
        public var wallSeconds: Double
        /// User + system CPU time of the process during the run.
        public var cpuSeconds: Double
    }

    public static func run(_ device: DeviceDefinition, seconds: Double) throws(AgentError) -> Result {
        let board = Board(gateway: "bench", mqtt: BrokerSettings(url: "mqtt://127.0.0.1", endpoint: Endpoint(host: "127.0.0.1", port: 1883), topicPrefix: "bench", qos: 0, clientID: "bench"), summaryInterval: .seconds(10), devices: [device], file: "bench")
        guard let bus = try BusLayout.build(board).first else { preconditionFailure("one device") }
        let runtime = DeviceRuntime(device, summaryInterval: .seconds(10), topics: Topics(board: board))
        do throws(ModbusError) {
            try bus.connection.connect()
        } catch {
            throw .modbus(device: device.id, error)
        }
        var result = Result(cycles: 0, requests: 0, registers: 0, failures: 0, wallSeconds: 0, cpuSeconds: 0)
        let perCycle = runtime.plan.registersPerCycle
        let requestsPerCycle = runtime.plan.requests.count
        let cpuStart = Self.cpuSeconds()
        let start = MonotonicClock.now()
        let end = start + Int64(seconds * 1e9)
        while MonotonicClock.now() < end {
            for g in runtime.groups.indices {
                let cycle = runtime.poll(group: g, on: bus.connection) { _ in true }
                result.failures += cycle.failed
            }
            result.cycles += 1
            result.requests += requestsPerCycle
            result.registers += perCycle
        }
        result.wallSeconds = Double(MonotonicClock.now() - start) / 1e9
        result.cpuSeconds = Self.cpuSeconds() - cpuStart
        bus.connection.close()
        return result
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
