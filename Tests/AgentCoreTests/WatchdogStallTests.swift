@testable import AgentCore
import BoardFile
import Testing

/// The service watchdog is fed only while every bus thread makes progress; a bus is stuck once it has been awake
/// without progress for twice its longest legitimate stretch (at least 20 s), so that slow but healthy buses
/// (many requests that all time out) are never restarted.
struct WatchdogStallTests {
    func devices(_ yaml: String) throws -> [DeviceRuntime] {
        let board = try BoardLoader.parse("""
            gateway: g1
            mqtt: {url: "mqtt://127.0.0.1:1883"}
            devices:
            \(yaml)
            """, file: "w.yaml")
        return board.devices.map { DeviceRuntime($0, summaryInterval: .seconds(1), topics: Topics(board: board)) }
    }

    @Test func aSmallFastDeviceGetsTheTwentySecondFloor() throws {
        let devices = try self.devices("""
              - id: plc
                tcp: 127.0.0.1:1502
                timeout: 1s
                channels:
                  - {id: a, table: holding, address: 0}
                  - {id: b, table: input, address: 0}
            """)
        #expect(BusWorker.stallLimit(devices) == 20_000_000_000)
    }

    @Test func slowRequestsRetriesAndIdentityRaiseTheLimit() throws {
        // Three requests per cycle (three tables), 5 s timeout, 1 retry, identity reads (4 requests' worth):
        // longest stretch = connect 5 s + (3 + 4) × 5 s × 2 = 75 s; the limit is twice that.
        let devices = try self.devices("""
              - id: plc
                tcp: 127.0.0.1:1502
                timeout: 5s
                retries: 1
                identity: true
                channels:
                  - {id: a, table: holding, address: 0}
                  - {id: b, table: input, address: 0}
                  - {id: c, table: coil, address: 0}
            """)
        #expect(BusWorker.stallLimit(devices) == 150_000_000_000)
    }
}
