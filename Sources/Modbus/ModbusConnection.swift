import CModbus
import Glibc
import Posix
import Registers

/// A Modbus client link over libmodbus, owned by exactly one thread (the bus thread that polls it).
///
/// Read-only by construction: this type exposes read functions (codes 1, 2, 3, 4) and nothing that writes.
/// Reads fill caller-owned buffers and allocate nothing. libmodbus blocks, so never call this from an actor or an
/// `async` function.
public final class ModbusConnection {
    private let context: OpaquePointer
    /// `host:port` for messages.
    public let endpoint: String
    public private(set) var isConnected = false
    public private(set) var unit: Int = 1

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
            let kind: ModbusError.Kind = self.isSerial ? .linkDown(SystemError(code)) : LibmodbusErrno.kind(code)
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
