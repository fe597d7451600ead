import Glibc
import Modbus
import Registers
import TestSupport
import Testing

/// The libmodbus client wrapper against a real libmodbus server on loopback.
struct ModbusConnectionTests {
    func connected(to server: ModbusServer, timeoutMs: Int64 = 500) throws -> ModbusConnection {
        let connection = try ModbusConnection(tcpHost: "127.0.0.1", port: server.port)
        connection.setTimeout(nanoseconds: timeoutMs * 1_000_000)
        try connection.connect()
        return connection
    }

    @Test func readsAllFourTables() throws {
        let server = try ModbusServer(units: [1])
        server.withRegisters { maps in
            let map = maps[1]!
            map.set(.holding, address: 100, [0x42F6, 0xE979])
            map.set(.input, address: 7, [0xCFC7])
            map.set(.coil, address: 3, [1, 0, 1])
            map.set(.discrete, address: 9, [0, 1])
        }
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server)
        var words = [UInt16](repeating: 0, count: 2)
        try words.withUnsafeMutableBufferPointer { try connection.readRegisters(.holding, address: 100, into: $0) }
        #expect(words == [0x42F6, 0xE979])
        #expect(RegisterDecoder.decode(words, as: .float32, order: .ABCD) == Double(Float(123.456)))
        var one = [UInt16](repeating: 0, count: 1)
        try one.withUnsafeMutableBufferPointer { try connection.readRegisters(.input, address: 7, into: $0) }
        #expect(RegisterDecoder.decode(one, as: .int16, order: .ABCD) == -12345)
        var bits = [UInt8](repeating: 9, count: 3)
        try bits.withUnsafeMutableBufferPointer { try connection.readBits(.coil, address: 3, into: $0) }
        #expect(bits == [1, 0, 1])
        var inputs = [UInt8](repeating: 9, count: 2)
        try inputs.withUnsafeMutableBufferPointer { try connection.readBits(.discrete, address: 9, into: $0) }
        #expect(inputs == [0, 1])
        #expect(server.functionCodeCounts == [1: 1, 2: 1, 3: 1, 4: 1])
    }

    @Test(arguments: ModbusException.allKnown)
    func reportsEachExceptionByName(_ exception: ModbusException) throws {
        let server = try ModbusServer(units: [1])
        server.setHook { _ in .exception(exception) }
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server)
        var words = [UInt16](repeating: 0, count: 4)
        do {
            try words.withUnsafeMutableBufferPointer { try connection.readRegisters(.holding, address: 10, into: $0) }
            Issue.record("read succeeded")
        } catch let error as ModbusError {
            #expect(error.kind == .exception(exception))
            #expect(error.description == "read holding 10..13 (unit 1): exception \(exception.code) \(exception.name)")
            #expect(!error.requiresReconnect)
        }
        #expect(connection.isConnected)
    }

    @Test func timesOutWhenTheServerDoesNotAnswer() throws {
        let server = try ModbusServer(units: [1])
        server.setHook { _ in .ignore }
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server, timeoutMs: 100)
        var words = [UInt16](repeating: 0, count: 1)
        let start = monotonicSeconds()
        #expect(throws: ModbusError(.timedOut, during: .read(unit: 1, table: .input, address: 0, count: 1))) {
            try words.withUnsafeMutableBufferPointer { try connection.readRegisters(.input, address: 0, into: $0) }
        }
        #expect(monotonicSeconds() - start >= 0.09)
    }

    @Test func aLateAnswerIsFlushedNotTakenForTheNextOne() throws {
        let server = try ModbusServer(units: [1])
        server.withRegisters { $0[1]!.set(.holding, address: 0, [111, 222]) }
        server.setHook { request in request.address == 0 ? .delay(nanoseconds: 250_000_000) : .reply }
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server, timeoutMs: 100)
        var word = [UInt16](repeating: 0, count: 1)
        #expect(throws: ModbusError.self) {
            try word.withUnsafeMutableBufferPointer { try connection.readRegisters(.holding, address: 0, into: $0) }
        }
        sleepSeconds(0.3)  // the late answer to address 0 has arrived by now
        connection.flush()
        try word.withUnsafeMutableBufferPointer { try connection.readRegisters(.holding, address: 1, into: $0) }
        #expect(word == [222])
    }

    @Test func refusedConnectionIsALinkError() throws {
        let port = FreePort.allocate()
        let connection = try ModbusConnection(tcpHost: "127.0.0.1", port: port)
        connection.setTimeout(nanoseconds: 200_000_000)
        do {
            try connection.connect()
            Issue.record("connected to a closed port")
        } catch {
            #expect(error.kind == .linkDown(SystemErrorProbe.refused))
            #expect(error.description == "connect to 127.0.0.1:\(port): Connection refused")
            #expect(error.requiresReconnect)
        }
    }

    @Test func droppedConnectionIsALinkErrorAndClosesTheLink() throws {
        let server = try ModbusServer(units: [1])
        server.setHook { _ in .disconnect }
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server)
        var word = [UInt16](repeating: 0, count: 1)
        do {
            try word.withUnsafeMutableBufferPointer { try connection.readRegisters(.holding, address: 0, into: $0) }
            Issue.record("read succeeded")
        } catch let error as ModbusError {
            #expect(error.requiresReconnect, "\(error)")
        }
        #expect(!connection.isConnected)
    }

    @Test func unknownUnitGetsGatewayTargetException() throws {
        let server = try ModbusServer(units: [1])
        server.start()
        defer { server.stop() }
        let connection = try connected(to: server)
        connection.setUnit(9)
        var word = [UInt16](repeating: 0, count: 1)
        #expect(throws: ModbusError(.exception(.gatewayTargetFailedToRespond),
                                    during: .read(unit: 9, table: .holding, address: 0, count: 1))) {
            try word.withUnsafeMutableBufferPointer { try connection.readRegisters(.holding, address: 0, into: $0) }
        }
    }
}

import Posix

enum SystemErrorProbe {
    static let refused = SystemError(ECONNREFUSED)

}
