import Foundation
import Modbus
import TestSupport
import Testing

/// Read Device Identification, framed by the wrapper, against pymodbus' server (an implementation independent of
/// libmodbus and of otsentry), which splits nothing and answers the regular category.
struct PymodbusIdentityTests {
    @Test func readsThePymodbusDeviceIdentification() throws {
        let python = ProcessInfo.processInfo.environment["OTSENTRY_PYTHON"] ?? "/usr/bin/env"
        let script = Executables.repositoryRoot + "/Tests/Interop/pymodbus_identity_server.py"
        let port = FreePort.allocate()
        let server = try ChildProcess(python, (python.hasSuffix("env") ? ["python3", script] : [script]) + ["\(port)"])
        defer { server.terminate() }
        guard waitUntil(seconds: 20, { FreePort.isListening(port) }) else {
            throw TestFailure("pymodbus server did not start: \(server.stderr)")
        }
        let connection = try ModbusConnection(tcpHost: "127.0.0.1", port: port)
        connection.setTimeout(nanoseconds: 2_000_000_000)
        try connection.connect()
        let identity = try connection.readDeviceIdentification()
        #expect(identity.text(0x00) == "Pymodbus Vendor")
        #expect(identity.text(0x01) == "PM-316")
        #expect(identity.text(0x02) == "3.16.1")
        #expect(identity.text(0x04) == "Pymodbus Server")
        #expect(identity.text(0x05) == "Interop Model")
        #expect(identity.text(0x06) == "otsentry interop")
        // And the connection is still usable by libmodbus afterwards.
        var words = [UInt16](repeating: 9, count: 2)
        try words.withUnsafeMutableBufferPointer { try connection.readRegisters(.holding, address: 0, into: $0) }
        #expect(words == [0, 0])
        let report = try connection.reportServerID()
        #expect(!report.bytes.isEmpty)
    }
}
