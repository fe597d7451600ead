import Foundation
import Modbus
import Registers
import TestSupport
import Testing

/// Decoding checked against an independent encoder: pymodbus encodes values of every type and byte order into
/// registers (`pymodbus_cases.py`), and otsentry must decode the same values, both in its codec and end to end
/// through `otsentry poll` reading a real libmodbus server that serves those registers.
struct PymodbusDecodingTests {
    struct Case {
        var id: String
        var type: DataType
        var order: ByteOrder
        var byte: ByteSelect
        var bit: Int
        var length: Int
        var value: Double?
        var text: String?
        var registers: [UInt16]

        var codec: ValueCodec { ValueCodec(type: type, order: order, byte: byte, bit: bit, length: length) }
    }

    static func loadCases() throws -> [Case] {
        let python = ProcessInfo.processInfo.environment["OTSENTRY_PYTHON"] ?? "/usr/bin/env"
        let script = Executables.repositoryRoot + "/Tests/Interop/pymodbus_cases.py"
        let child = try ChildProcess(python, python.hasSuffix("env") ? ["python3", script] : [script])
        guard child.wait(seconds: 60) == 0 else {
            throw TestFailure("pymodbus_cases.py failed (is pymodbus installed? scripts/test installs it): \(child.stderr)")
        }
        let list = try #require(try JSONSerialization.jsonObject(with: Data(child.stdout.utf8)) as? [[String: Any]])
        return try list.map { item in
            Case(id: item["id"] as! String, type: try #require(DataType(rawValue: item["type"] as! String)),
                 order: ByteOrder(rawValue: item["order"] as? String ?? "ABCD")!,
                 byte: ByteSelect(rawValue: item["byte"] as? String ?? "low")!, bit: item["bit"] as? Int ?? 0,
                 length: item["length"] as? Int ?? 1,
                 value: (item["value_bits"] as? String).flatMap { UInt64($0, radix: 16) }.map(Double.init(bitPattern:)),
                 text: item["text"] as? String, registers: (item["registers"] as! [Int]).map { UInt16($0) })
        }
    }

    @Test func codecDecodesWhatPymodbusEncoded() throws {
        let cases = try Self.loadCases()
        #expect(cases.count > 150)
        #expect(Set(cases.map(\.type)) == Set(DataType.allCases).subtracting([.bool]))
        for c in cases {
            #expect(c.registers.count == c.codec.registerCount, "\(c.id)")
            if let text = c.text {
                #expect(c.codec.text(c.registers) == text, "\(c.id)")
            } else {
                #expect(c.codec.decode(c.registers) == c.value, "\(c.id): registers \(c.registers)")
            }
        }
    }

    @Test func theAgentReadsWhatPymodbusEncoded() throws {
        let cases = try Self.loadCases()
        let server = try ModbusServer(units: [1])
        var address = 0
        var channels: [String] = []
        server.withRegisters { maps in
            for c in cases {
                maps[1]!.set(.holding, address: address, c.registers)
                var line = "      - {id: \(c.id), table: holding, address: \(address), type: \(c.type.rawValue)"
                if c.type.hasByteOrder { line += ", order: \(c.order.rawValue)" }
                if c.type == .int8 || c.type == .uint8 { line += ", byte: \(c.byte.rawValue)" }
                if c.type == .bit { line += ", bit: \(c.bit)" }
                if c.type == .string { line += ", length: \(c.length)" }
                channels.append(line + "}")
                address += c.registers.count
            }
        }
        server.start()
        defer { server.stop() }
        let dir = TemporaryDirectory()
        let board = dir.write("interop.yaml", """
            gateway: interop
            mqtt: {url: "mqtt://127.0.0.1:1"}
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                max_gap: 0
                channels:
            \(channels.joined(separator: "\n"))
            """)
        let (status, stdout, stderr) = try runOTSentry(["poll", "--board", board, "--once", "--json"])
        #expect(status == 0, "\(stderr)")
        let line = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        let read = try #require(line["channels"] as? [[String: Any]])
        let byID = Dictionary(uniqueKeysWithValues: read.map { ($0["id"] as! String, $0) })
        for c in cases {
            let got = try #require(byID[c.id], "\(c.id) missing")
            #expect(got["q"] as? String == "good", "\(c.id)")
            if let text = c.text {
                #expect(got["value"] as? String == text, "\(c.id)")
                continue
            }
            let value = try #require((got["value"] as? NSNumber)?.doubleValue, "\(c.id): \(got)")
            if c.type == .float32 {
                // Published at float32 precision: the same float32.
                #expect(Float(value) == Float(c.value!), "\(c.id): \(value) vs \(c.value!)")
            } else {
                #expect(value == c.value, "\(c.id): \(value) vs \(c.value!)")
            }
        }
    }
}
