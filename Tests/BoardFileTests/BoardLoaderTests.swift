import BoardFile
import Foundation
import Registers
import Testing

struct BoardLoaderTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func loadsTheDemoBoard() throws {
        let board = try BoardLoader.load(path: Self.root.appendingPathComponent("Boards/demo.yaml").path)
        #expect(board.gateway == "demo-line")
        #expect(board.mqtt.endpoint == Endpoint(host: "127.0.0.1", port: 1883))
        #expect(board.mqtt.clientID == "otsentry-demo-line")
        #expect(board.summaryInterval == .seconds(5))
        #expect(board.devices.map(\.id) == ["press-plc", "line-meter"])
        let press = board.devices[0]
        #expect(press.transport == .tcp(Endpoint(host: "127.0.0.1", port: 15020)))
        #expect(press.pollInterval == .milliseconds(100))
        #expect(press.timeout == .milliseconds(500))
        let pressure = press.channels[0]
        #expect(pressure.id == "hydraulic_pressure")
        #expect(pressure.table == .holding && pressure.address == 100 && pressure.type == .float32)
        #expect(pressure.window == 600 && pressure.unit == "bar")
        #expect(pressure.simulation?.faults.first?.kind == .spike)
        #expect(press.channels[1].scaling == Scaling(scale: 0.1, offset: 0))
        #expect(press.channels[6].type == .bool && press.channels[7].type == .bool)  // type defaults to bool on bit tables
    }

    @Test func appliesDefaults() throws {
        let board = try BoardLoader.parse("""
            gateway: g1
            mqtt: {url: "mqtt://broker"}
            devices:
              - id: d1
                tcp: 10.1.2.3
                channels:
                  - {id: c1, table: input, address: 7}
            """, file: "defaults.yaml")
        #expect(board.mqtt.endpoint.port == 1883)
        #expect(board.mqtt.topicPrefix == "otsentry" && board.mqtt.qos == 1 && board.mqtt.clientID == "otsentry-g1")
        #expect(board.summaryInterval == .seconds(10))
        let device = board.devices[0]
        #expect(device.transport == .tcp(Endpoint(host: "10.1.2.3", port: 502)))
        #expect(device.unit == 1 && device.pollInterval == .seconds(1) && device.timeout == .seconds(1))
        let channel = device.channels[0]
        #expect(channel.type == .uint16 && channel.order == .ABCD && channel.scaling.isIdentity)
        #expect(channel.unit == "" && channel.window == 1024)
    }

    @Test func acceptsHexAddressesAndIPv6() throws {
        let board = try BoardLoader.parse("""
            gateway: g1
            mqtt: {url: "mqtt://[fd00::1]:8883", topic_prefix: plant/hall-2}
            devices:
              - id: d1
                tcp: "[fe80::2]:1502"
                unit: 255
                channels:
                  - {id: c1, table: holding, address: 0x10, type: int64, order: DCBA}
            """, file: "x.yaml")
        #expect(board.mqtt.endpoint == Endpoint(host: "fd00::1", port: 8883))
        #expect(board.mqtt.topicPrefix == "plant/hall-2")
        #expect(board.devices[0].transport == .tcp(Endpoint(host: "fe80::2", port: 1502)))
        #expect(board.devices[0].channels[0].address == 16)
    }

    @Test func bitChannelsMayNotShareACoilButRegistersOfOtherTablesMay() throws {
        let board = try BoardLoader.parse("""
            gateway: g1
            mqtt: {url: "mqtt://broker"}
            devices:
              - id: d1
                tcp: plc
                channels:
                  - {id: a, table: holding, address: 0}
                  - {id: b, table: input, address: 0}
                  - {id: c, table: coil, address: 0}
                  - {id: d, table: discrete, address: 0}
            """, file: "x.yaml")
        #expect(board.devices[0].channels.count == 4)
    }
}

struct DurationFormatTests {
    @Test(arguments: [("100ms", 100_000_000), ("10s", 10_000_000_000), ("1.5s", 1_500_000_000),
                      ("5m", 300_000_000_000), ("1h", 3_600_000_000_000), ("1m30s", 90_000_000_000)] as [(String, Int64)])
    func parses(_ text: String, _ nanoseconds: Int64) {
        #expect(DurationFormat.parse(text)?.nanoseconds == nanoseconds)
    }

    @Test(arguments: ["", "10", "s", "1 s", "1d", "-1s", "1.2.3s", "10sec"])
    func rejects(_ text: String) {
        #expect(DurationFormat.parse(text) == nil)
    }

    @Test func describesShortest() {
        #expect(DurationFormat.describe(.milliseconds(100)) == "100ms")
        #expect(DurationFormat.describe(.seconds(10)) == "10s")
        #expect(DurationFormat.describe(.seconds(300)) == "5m")
        #expect(DurationFormat.describe(.milliseconds(1500)) == "1500ms")
    }
}
