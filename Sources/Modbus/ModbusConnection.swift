import CModbus
import Glibc
import Posix
import Registers

/// A Modbus client link over libmodbus, owned by exactly one thread (the bus thread that polls it).
///
/// Read-only by construction: this type exposes read functions (codes 1, 2, 3, 4, and 0x11 and 0x2B/0x0E for
/// identity) and nothing that writes.
/// Reads fill caller-owned buffers and allocate nothing. libmodbus blocks, so never call this from an actor or an
/// `async` function.
public final class ModbusConnection {
    private let context: OpaquePointer
    /// `host:port` for messages.
    public let endpoint: String
    public private(set) var isConnected = false
    public private(set) var unit: Int = 1
    private var timeout: Int64 = 1_000_000_000
    /// Transaction ids of the frames this type builds itself (0x2B), apart from libmodbus' own.
    private var ownTransaction: UInt16 = 0x8000

    /// Whether the link is a serial line (RTU) rather than TCP.
    public let isSerial: Bool
    private let rs485: Bool

    /// A Modbus TCP client for `host` (name, IPv4 or IPv6) and `port`. Does not connect yet.
    public init(tcpHost host: String, port: Int) throws(ModbusError) {
        self.endpoint = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard let context = modbus_new_tcp_pi(host, String(port)) else {
            throw ModbusError(.system(.current), during: .connect(endpoint: self.endpoint))
        }
        self.context = context
        self.isSerial = false
        self.rs485 = false
        // Recovery is ours: libmodbus' automatic reconnect does not handle EPIPE/ECONNRESET (libmodbus #735).
        modbus_set_error_recovery(context, MODBUS_ERROR_RECOVERY_NONE)
        modbus_set_slave(context, 1)  // libmodbus' TCP default is 0xFF
    }

    /// A Modbus RTU client on the serial device `path` (`/dev/ttyS1`…). Does not open it yet. With `rs485`, the
    /// UART is switched to the kernel's RS-485 mode when opened.
    public init(serialDevice path: String, baud: Int, parity: Character, dataBits: Int, stopBits: Int, rs485: Bool)
        throws(ModbusError)
    {
        self.endpoint = path
        let parityByte = CChar(truncatingIfNeeded: parity.asciiValue ?? UInt8(ascii: "N"))
        guard let context = modbus_new_rtu(path, Int32(baud), parityByte, Int32(dataBits), Int32(stopBits)) else {
            throw ModbusError(.system(.current), during: .connect(endpoint: path))
        }
        self.context = context
        self.isSerial = true
        self.rs485 = rs485
        modbus_set_error_recovery(context, MODBUS_ERROR_RECOVERY_NONE)
        modbus_set_slave(context, 1)
    }

    deinit {
        modbus_close(self.context)
        modbus_free(self.context)
    }

    /// The unit identifier (slave address) of the following requests.
    public func setUnit(_ unit: Int) {
        self.unit = unit
        modbus_set_slave(self.context, Int32(unit))
    }

    /// Response timeout of each request (and, on TCP, of connecting); also used as the gap allowed between bytes.
    public func setTimeout(nanoseconds: Int64) {
        self.timeout = nanoseconds
        let sec = UInt32(nanoseconds / 1_000_000_000)
        let usec = UInt32(nanoseconds % 1_000_000_000 / 1000)
        modbus_set_response_timeout(self.context, sec, usec)
        modbus_set_byte_timeout(self.context, sec, usec)
    }

    public func connect() throws(ModbusError) {
        guard !self.isConnected else { return }
        if modbus_connect(self.context) == -1 {
            let code = errno
            modbus_close(self.context)
            // On a serial port, a missing or busy device is a link problem to retry, like a refused connection.
            // libmodbus 3.1.6 gives up a TCP connect after its response timeout with errno still EINPROGRESS (the
            // non-blocking connect's): that is a timeout.
            let kind: ModbusError.Kind = self.isSerial ? .linkDown(SystemError(code))
                : code == EINPROGRESS ? .timedOut : LibmodbusErrno.kind(code)
            throw ModbusError(kind, during: .connect(endpoint: self.endpoint))
        }
        if self.rs485 && modbus_rtu_set_serial_mode(self.context, Int32(MODBUS_RTU_RS485)) == -1 {
            let code = errno
            modbus_close(self.context)
            throw ModbusError(.linkDown(SystemError(code)), during: .connect(endpoint: "\(self.endpoint) (RS-485 mode)"))
        }
        self.isConnected = true
    }

    public func close() {
        modbus_close(self.context)
        self.isConnected = false
    }

    /// Drops bytes waiting on the link, e.g. a late answer after a timeout that would otherwise be taken for the
    /// answer to the next request.
    public func flush() {
        _ = modbus_flush(self.context)
    }

    /// Drops bytes waiting on the link, and those that keep arriving, until it has been quiet for `quiet`
    /// nanoseconds (at most for `limit`). After an answer to an earlier request (a late one) was read in place of
    /// the current one, the current answer is still on its way: a plain flush would leave it to be taken for the
    /// next request's, and every request after would read its predecessor's answer.
    public func drain(quiet: Int64, limit: Int64) {
        let fd = modbus_get_socket(self.context)
        self.flush()
        guard fd >= 0 else { return }
        let end = MonotonicClock.now() + limit
        while MonotonicClock.now() < end {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(max(1, quiet / 1_000_000)))
            if ready == 0 { return }  // quiet
            if ready < 0 && errno != EINTR { return }
            self.flush()
        }
    }

    /// Reads `registers.count` input or holding registers starting at `address` into `registers`.
    public func readRegisters(_ table: RegisterTable, address: Int, into registers: UnsafeMutableBufferPointer<UInt16>)
        throws(ModbusError)
    {
        precondition(!table.holdsBits && registers.count >= 1 && registers.count <= 125)
        let n = Int32(registers.count)
        let rc: Int32 = table == .holding
            ? modbus_read_registers(self.context, Int32(address), n, registers.baseAddress)
            : modbus_read_input_registers(self.context, Int32(address), n, registers.baseAddress)
        try self.check(rc, expected: n, table: table, address: address, count: registers.count)
    }

    /// Reads `bits.count` coils or discrete inputs starting at `address`, one byte (0 or 1) per bit.
    public func readBits(_ table: RegisterTable, address: Int, into bits: UnsafeMutableBufferPointer<UInt8>)
        throws(ModbusError)
    {
        precondition(table.holdsBits && bits.count >= 1 && bits.count <= 2000)
        let n = Int32(bits.count)
        let rc: Int32 = table == .coil
            ? modbus_read_bits(self.context, Int32(address), n, bits.baseAddress)
            : modbus_read_input_bits(self.context, Int32(address), n, bits.baseAddress)
        try self.check(rc, expected: n, table: table, address: address, count: bits.count)
    }

    /// Report Server ID (0x11), on TCP and RTU.
    public func reportServerID() throws(ModbusError) -> ServerIDReport {
        var buffer = [UInt8](repeating: 0, count: 256)
        let rc = modbus_report_slave_id(self.context, Int32(buffer.count), &buffer)
        if rc == -1 {
            let kind = LibmodbusErrno.kind(errno)
            if case .linkDown = kind { self.close() }
            throw ModbusError(kind, during: .reportServerID(unit: self.unit))
        }
        return ServerIDReport(bytes: Array(buffer.prefix(Int(min(rc, 256)))))
    }

    /// Read Device Identification (0x2B / MEI 0x0E), stream access from object 0 in the `regular` category
    /// (falling back to `basic` when the device refuses it), following "more follows" up to 8 answers. TCP only:
    /// libmodbus truncates this answer, so the frame is built, sent and parsed here, on libmodbus' socket.
    public func readDeviceIdentification() throws(ModbusError) -> DeviceIdentification {
        let operation = ModbusOperation.readDeviceIdentification(unit: self.unit)
        guard !self.isSerial else {
            throw ModbusError(.protocolViolation("read device identification is done on TCP only"), during: operation)
        }
        var result = DeviceIdentification()
        var readCode: UInt8 = 0x02
        var next: UInt8 = 0x00
        var answers = 0
        while answers < 8 {
            let pdu = try self.exchangeOwnFrame([0x2B, 0x0E, readCode, next])
            let response: DeviceIdentification.Response
            do {
                response = try DeviceIdentification.parse(pdu: pdu)
            } catch {
                switch error {
                case .exception(let e):
                    if readCode == 0x02 && answers == 0 && e == .illegalDataValue {
                        readCode = 0x01
                        continue
                    }
                    throw ModbusError(.exception(e), during: operation)
                case .malformed(let why):
                    self.flush()
                    throw ModbusError(.protocolViolation(why), during: operation)
                }
            }
            answers += 1
            result.conformityLevel = response.conformityLevel
            for object in response.objects { result.objects[object.id] = object.value }
            guard response.moreFollows, response.nextObjectID > next || answers == 1 else { break }
            next = response.nextObjectID
        }
        return result
    }

    /// Sends `pdu` in an MBAP frame of our own and returns the answering PDU (same transaction and unit). Answers
    /// to other transactions (late ones) are skipped until the timeout.
    private func exchangeOwnFrame(_ pdu: [UInt8]) throws(ModbusError) -> [UInt8] {
        let operation = ModbusOperation.readDeviceIdentification(unit: self.unit)
        let fd = modbus_get_socket(self.context)
        self.ownTransaction = self.ownTransaction == .max ? 0x8000 : self.ownTransaction + 1
        let tid = self.ownTransaction
        let length = pdu.count + 1
        let frame: [UInt8] = [UInt8(tid >> 8), UInt8(tid & 0xFF), 0, 0, UInt8(length >> 8), UInt8(length & 0xFF),
                              UInt8(truncatingIfNeeded: self.unit)] + pdu
        let deadline = MonotonicClock.now() + self.timeout
        try self.sendAll(fd, frame, operation)
        while true {
            let header = try self.receive(fd, count: 7, deadline: deadline, operation)
            let mbap: DeviceIdentification.MBAP
            do {
                mbap = try DeviceIdentification.MBAP.parse(header)
            } catch {
                self.flush()
                throw ModbusError(.protocolViolation("\(error)"), during: operation)
            }
            let body = try self.receive(fd, count: mbap.pduLength, deadline: deadline, operation)
            if mbap.transaction != tid { continue }  // a late answer to an earlier request
            guard mbap.unit == UInt8(truncatingIfNeeded: self.unit) else {
                throw ModbusError(.protocolViolation("answer from unit \(mbap.unit)"), during: operation)
            }
            return body
        }
    }

    private func sendAll(_ fd: Int32, _ bytes: [UInt8], _ operation: ModbusOperation) throws(ModbusError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                let code = errno
                self.close()
                throw ModbusError(.linkDown(SystemError(code)), during: operation)
            }
            offset += n
        }
    }

    private func receive(_ fd: Int32, count: Int, deadline: Int64, _ operation: ModbusOperation) throws(ModbusError)
        -> [UInt8]
    {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let left = deadline - MonotonicClock.now()
            if left <= 0 { throw ModbusError(.timedOut, during: operation) }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(left / 1_000_000 + 1, 60_000)))
            if ready < 0 {
                if errno == EINTR { continue }
                throw ModbusError(.system(.current), during: operation)
            }
            if ready == 0 { continue }
            let n = buffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress! + got, count - got, 0) }
            if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
                let code = n == 0 ? ECONNRESET : errno
                self.close()
                throw ModbusError(.linkDown(SystemError(code)), during: operation)
            }
            if n > 0 { got += n }
        }
        return buffer
    }

    private func check(_ rc: Int32, expected: Int32, table: RegisterTable, address: Int, count: Int)
        throws(ModbusError)
    {
        let operation = ModbusOperation.read(unit: self.unit, table: table, address: address, count: count)
        if rc == -1 {
            let kind = LibmodbusErrno.kind(errno)
            if case .linkDown = kind { self.close() }
            throw ModbusError(kind, during: operation)
        }
        if rc != expected {
            throw ModbusError(.protocolViolation("answer holds \(rc) items instead of \(expected)"), during: operation)
        }
    }
}
