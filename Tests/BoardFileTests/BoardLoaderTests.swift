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
        let byID = Dictionary(uniqueKeysWithValues: press.channels.map { ($0.id, $0) })
        // type defaults to bool on bit tables
        #expect(byID["pump_running"]?.type == .bool && byID["guard_door_closed"]?.type == .bool)
        #expect(byID["alarm_active"]?.type == .bit && byID["alarm_active"]?.bit == 0)
        #expect(byID["press_mode"]?.type == .uint8 && byID["press_mode"]?.byte == .high)
        #expect(byID["recipe"]?.type == .string && byID["recipe"]?.length == 8)
        #expect(byID["recipe"]?.pollInterval == .seconds(5))
        #expect(byID["pressure_setpoint"]?.table == .holding && byID["pressure_setpoint"]?.address == 200)
        #expect(byID["pressure_setpoint"]?.modiconNumber == 40201)
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
        #expect(board.mqtt.format == .json && board.mqtt.groupID == nil && channel.deadband == 0)
    }

    @Test func readsTheSparkplugSettings() throws {
        let board = try BoardLoader.parse("""
            gateway: line-4
            mqtt: {url: "mqtt://broker", format: sparkplug, group_id: Plant-A}
            devices:
              - id: d1
                tcp: 10.1.2.3
                channels:
                  - {id: c1, table: input, address: 7, deadband: 0.5}
                  - {id: c2, table: input, address: 8}
            """, file: "sparkplug.yaml")
        #expect(board.mqtt.format == .sparkplug && board.mqtt.groupID == "Plant-A")
        #expect(board.devices[0].channels.map(\.deadband) == [0.5, 0])
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

struct FieldBoardTests {
    @Test func readsSerialPortsAndRTUDevices() throws {
        let board = try BoardLoader.parse("""
            gateway: g1
            mqtt: {url: "mqtt://broker"}
            ports:
              rs485-1: {device: /dev/ttyS1, baud: 19200, parity: even, rs485: true, turnaround: 5ms}
              usb-0: {device: /dev/ttyUSB0, baud: 9600, parity: none, stop_bits: 2}
            devices:
              - id: meter-1
                rtu: rs485-1
                unit: 11
                retries: 2
                pause_between_requests: 20ms
                pause_after_connect: 1s
                max_gap: 0
                max_registers: 60
                degrade_after: 5
                degrade_for: 2m
                detection_latency: 250ms
                channels:
                  - {id: v1, register: 30001, type: float32, order: CDAB}
                  - {id: alarm, register: 40010, type: bit, bit: 15}
                  - {id: serial, register: 400100, type: string, length: 10, order: BADC}
                  - {id: relay, register: 17}
                  - {id: door, register: 10003}
              - id: drive
                rtu: usb-0
                unit: 2
                channels:
                  - {id: hz, table: holding, address: 0x2103, type: uint16, scale: 0.01, poll_interval: 250ms}
                  - {id: t, table: input, address: 5, type: float16}
                  - {id: lo, table: input, address: 6, type: int8}
                  - {id: hi, table: input, address: 6, type: uint8, byte: high}
            """, file: "rtu.yaml")
        #expect(board.ports.map(\.name) == ["rs485-1", "usb-0"])
        let port = try #require(board.port(named: "rs485-1"))
        #expect(port.device == "/dev/ttyS1" && port.baud == 19200 && port.parity == .even && port.rs485)
        #expect(port.turnaround == .milliseconds(5) && port.settingsDescription == "/dev/ttyS1 19200 8E1 rs485")
        #expect(board.port(named: "usb-0")?.settingsDescription == "/dev/ttyUSB0 9600 8N2")
        let meter = board.devices[0]
        #expect(meter.transport == .rtu(port: "rs485-1") && meter.unit == 11 && meter.retries == 2)
        #expect(meter.pauseBetweenRequests == .milliseconds(20) && meter.pauseAfterConnect == .seconds(1))
        #expect(meter.maxGap == 0 && meter.maxRegisters == 60 && meter.degradeAfter == 5 && meter.degradeFor == .seconds(120))
        #expect(meter.detectionLatency == .milliseconds(250) && board.devices[1].detectionLatency == .seconds(1))
        let resolved = meter.channels.map { "\($0.table) \($0.address)" }
        #expect(resolved == ["input 0", "holding 9", "holding 99", "coil 16", "discrete 2"])
        #expect(meter.channels[2].length == 10 && meter.channels[2].order == .BADC)
        let drive = board.devices[1]
        #expect(drive.channels[0].address == 0x2103 && drive.channels[0].pollInterval == .milliseconds(250))
        #expect(drive.channels[2].byte == .low && drive.channels[3].byte == .high)
    }

    @Test func modiconNumbers() {
        #expect(ModiconAddress.resolve(1)! == (.coil, 0))
        #expect(ModiconAddress.resolve(10001)! == (.discrete, 0))
        #expect(ModiconAddress.resolve(30001)! == (.input, 0))
        #expect(ModiconAddress.resolve(40101)! == (.holding, 100))
        #expect(ModiconAddress.resolve(465_536)! == (.holding, 65535))
        #expect(ModiconAddress.resolve(365_536)! == (.input, 65535))
        #expect(ModiconAddress.resolve(20001) == nil)
        #expect(ModiconAddress.resolve(50001) == nil)
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
