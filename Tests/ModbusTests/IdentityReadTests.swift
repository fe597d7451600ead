import Modbus
import TestSupport
import Testing

/// Report Server ID (0x11, through libmodbus) and Read Device Identification (0x2B/0x0E, framed by the wrapper)
/// against the real server.
struct IdentityReadTests {
    func connected(to server: ModbusServer, timeoutMs: Int64 = 500) throws -> ModbusConnection {
        let connection = try ModbusConnection(tcpHost: "127.0.0.1", port: server.port)
        connection.setTimeout(nanoseconds: timeoutMs * 1_000_000)
        try connection.connect()
        return connection
    }

    @Test func readsIdentityWithReportServerIDAndDeviceIdentification() throws {
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server)
        let report = try connection.reportServerID()
        #expect(report.serverID == 1)
        #expect(report.running == true)
        #expect(report.additionalData == Array("otsentry simulate".utf8))
        let identity = try connection.readDeviceIdentification()
        #expect(identity.text(0x00) == "otsentry")
        #expect(identity.text(0x01) == "OTS-SIM")
        #expect(identity.text(0x02) == "1.0")
        #expect(identity.text(0x04) == "simulated PLC")

        server.updateIdentity { id in
            id.running = false
            id.objects[0x02] = Array("2.0-evil".utf8)
        }
        #expect(try connection.reportServerID().running == false)
        #expect(try connection.readDeviceIdentification().text(0x02) == "2.0-evil")
        // Register reads still work on the same connection: the own frames left libmodbus in step.
        var words = [UInt16](repeating: 0, count: 2)
        try words.withUnsafeMutableBufferPointer { try connection.readRegisters(.holding, address: 0, into: $0) }
        #expect(server.functionCodeCounts == [0x11: 2, 0x2B: 2, 3: 1])
    }

    @Test func deviceIdentificationRefusedIsAnException() throws {
        let server = try ModbusServer(units: [1])
        server.updateIdentity { $0.answersDeviceIdentification = false }
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server)
        do {
            _ = try connection.readDeviceIdentification()
            Issue.record("read succeeded")
        } catch {
            #expect(error.kind == .exception(.illegalFunction))
            #expect(error.description == "read device identification (unit 1): exception 1 ILLEGAL FUNCTION")
        }
        #expect(connection.isConnected)
    }

    @Test func deviceIdentificationTimesOutOnASilentServer() throws {
        let server = try ModbusServer(units: [1])
        server.setHook { $0.function == 0x2B ? .ignore : .reply }
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server, timeoutMs: 200)
        #expect(throws: ModbusError(.timedOut, during: .readDeviceIdentification(unit: 1))) {
            try connection.readDeviceIdentification()
        }
    }
}
