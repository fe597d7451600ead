import Foundation
import Modbus
import TestSupport
import Testing

/// `otsentry poll`, the commissioning view.
struct PollCommandTests {
    func board(_ dir: TemporaryDirectory, port: Int, deadPort: Int) -> String {
        dir.write("poll.yaml", """
            gateway: site
            mqtt: {url: "mqtt://127.0.0.1:1"}
            devices:
              - id: press
                tcp: 127.0.0.1:\(port)
                channels:
                  - {id: pressure, register: 40101, type: float32, unit: bar}
                  - {id: status_bit, table: holding, address: 102, type: bit, bit: 1}
                  - {id: name, table: holding, address: 103, type: string, length: 2}
                  - {id: running, table: coil, address: 0}
              - id: meter
                tcp: 127.0.0.1:\(deadPort)
                timeout: 100ms
                channels:
                  - {id: v, table: input, address: 0}
            """)
    }

    @Test func printsRawRegistersValuesQualityAndAge() throws {
        let server = try ModbusServer(units: [1])
        server.withRegisters { maps in
            maps[1]!.set(.holding, address: 100, [0x42F6, 0xE979, 0x0002, 0x4142, 0x4300])
            maps[1]!.set(.coil, address: 0, [1])
        }
        server.start()
        defer { server.stop() }
        let dir = TemporaryDirectory()
        let path = self.board(dir, port: server.port, deadPort: FreePort.allocate())
        let (status, stdout, _) = try runOTSentry(["poll", "--board", path, "--device", "press", "--once"])
        #expect(status == 0)
        #expect(!stdout.contains("\u{1B}["), "no terminal control codes when piped")
        let lines = stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(lines.contains("device press: ok"))
        #expect(lines.contains("channel address raw value unit q age"))
        #expect(lines.contains { $0.hasPrefix("pressure holding 100 0x42F6 0xE979 123.456 bar good") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("status_bit holding 102 0x0002 1 - good") })
        #expect(lines.contains { $0.hasPrefix("name holding 103 0x4142 0x4300 \"ABC\" - good") })
        #expect(lines.contains { $0.hasPrefix("running coil 0 0x0001 1 - good") })
        #expect(!stdout.contains("meter"))
        #expect(Set(server.functionCodeCounts.keys).isSubset(of: [1, 3]))
    }

    @Test func aFailingDeviceExits69AndSaysWhy() throws {
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let dir = TemporaryDirectory()
        let deadPort = FreePort.allocate()
        let path = self.board(dir, port: server.port, deadPort: deadPort)
        let (status, stdout, _) = try runOTSentry(["poll", "--board", path, "--once", "--json"])
        #expect(status == 69)
        let objects = stdout.split(separator: "\n").compactMap { jsonObject(String($0)) }
        #expect(objects.map { $0["device"] as? String } == ["press", "meter"])
        #expect(objects[1]["error"] as? String == "connect to 127.0.0.1:\(deadPort): Connection refused")
        let v = try #require((objects[1]["channels"] as? [[String: Any]])?.first)
        #expect(v["q"] as? String == "stale" && v["value"] is NSNull && v["age_ms"] is NSNull)
    }

    @Test func unknownDeviceIsAUsageError() throws {
        let dir = TemporaryDirectory()
        let path = self.board(dir, port: 1, deadPort: 2)
        let (status, _, stderr) = try runOTSentry(["poll", "--board", path, "--device", "nope", "--once"])
        #expect(status == 64)
        #expect(stderr.contains("no device \"nope\""))
    }
}
