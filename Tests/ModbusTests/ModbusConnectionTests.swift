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

    /// A peer that never completes the handshake (here: a listener whose accept queue is full, so the kernel
    /// drops further SYNs) is reported as a timeout, not as libmodbus' leftover EINPROGRESS.
    @Test func aConnectThatNeverCompletesTimesOut() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        try #require(bound && listen(listener, 0) == 0)
        let port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the accept queue (never accepted).
        var fillers: [Int32] = []
        defer { for fd in fillers { close(fd) } }
        for _ in 0..<2 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) } }
            fillers.append(fd)
        }
        usleep(100_000)
        let connection = try ModbusConnection(tcpHost: "127.0.0.1", port: port)
        connection.setTimeout(nanoseconds: 300_000_000)
        do {
            try connection.connect()
            Issue.record("connected to a listener with a full queue")
        } catch {
            #expect(error.kind == .timedOut, "\(error)")
            #expect(error.description == "connect to 127.0.0.1:\(port): timed out")
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
