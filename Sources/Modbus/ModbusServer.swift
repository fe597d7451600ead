import CModbus
import Glibc
import Posix
import Synchronization

/// A Modbus server on libmodbus' server API: TCP (several clients at once, from one thread) or RTU on a serial
/// line (one unit). It backs `otsentry simulate` and the tests (a real peer, not a mock). It records the function
/// code of every request and lets a hook answer with exceptions, late or not at all.
public final class ModbusServer: @unchecked Sendable {
    /// A decoded request header.
    public struct Request: Sendable, Hashable {
        public var unit: UInt8
        public var function: UInt8
        public var address: Int
        public var count: Int
    }

    /// How to answer one request.
    public enum Action: Sendable, Hashable {
        case reply
        case exception(ModbusException)
        /// Wait, then reply (a slow or congested device).
        case delay(nanoseconds: Int64)
        /// Send nothing (a dead unit behind a gateway).
        case ignore
        /// Close the client's connection.
        case disconnect
    }

    /// What the server answers to Report Server ID (0x11) and Read Device Identification (0x2B/0x0E), which
    /// libmodbus' server does not answer as a PLC would (0x2B not at all).
    public struct Identity: Sendable, Hashable {
        public var serverID: UInt8 = 0x01
        public var running: Bool = true
        /// Data after the run indicator in the 0x11 answer.
        public var data: [UInt8] = Array("otsentry simulate".utf8)
        /// Identification objects by id (0x00 vendor, 0x01 product code, 0x02 revision, ...).
        public var objects: [UInt8: [UInt8]] = [
            0x00: Array("otsentry".utf8), 0x01: Array("OTS-SIM".utf8), 0x02: Array("1.0".utf8),
            0x04: Array("simulated PLC".utf8),
        ]
        /// Answer 0x2B at all (false: ILLEGAL FUNCTION, as many small devices do).
        public var answersDeviceIdentification = true

        public init() {}
    }

    private let identity = Mutex(Identity())

    /// Changes what the server reports about itself (a firmware update, a device swap, a mode change).
    public func updateIdentity(_ body: (inout Identity) -> Void) {
        self.identity.withLock { body(&$0) }
    }

    private let context: OpaquePointer
    private let listenFD: Int32
    private let serial: Bool
    public let host: String
    public let port: Int
    private let maps: [UInt8: RegisterMap]
    private let lock = Mutex(())
    private let hook = Mutex<(@Sendable (Request) -> Action)?>(nil)
    private let counts = Mutex<[UInt8: Int]>([:])
    private let stopping = Atomic<Bool>(false)
    private let listening = Atomic<Bool>(true)
    private var thread: PosixThread?

    /// Listens on `host:port` (port 0: any free port, see ``port``) and serves `units`; requests to other unit
    /// ids get exception 11 (gateway target failed to respond).
    public init(host: String = "127.0.0.1", port: Int = 0, units: [Int] = [1]) throws(ModbusError) {
        let endpoint = "\(host):\(port)"
        guard let context = modbus_new_tcp_pi(host, String(port)) else {
            throw ModbusError(.system(.current), during: .connect(endpoint: endpoint))
        }
        let fd = modbus_tcp_pi_listen(context, 16)
        if fd < 0 {
            let e = SystemError.current
            modbus_free(context)
            throw ModbusError(.linkDown(e), during: .connect(endpoint: endpoint))
        }
        var addr = sockaddr_storage()
        var len = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        let boundPort: UInt16 = withUnsafePointer(to: &addr) { p in
            if p.pointee.ss_family == sa_family_t(AF_INET6) {
                return p.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
            return p.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
        }
        self.context = context
        self.listenFD = fd
        self.serial = false
        self.host = host
        self.port = Int(boundPort)
        var maps: [UInt8: RegisterMap] = [:]
        for unit in units { maps[UInt8(truncatingIfNeeded: unit)] = RegisterMap() }
        self.maps = maps
    }

    /// An RTU server answering as `unit` on the serial device `path` (e.g. one end of a socat pty pair). Requests
    /// to other units are ignored, as on a real RS-485 bus.
    public init(serialDevice path: String, baud: Int = 19200, parity: Character = "E", dataBits: Int = 8,
                stopBits: Int = 1, unit: Int) throws(ModbusError) {
        let parityByte = CChar(truncatingIfNeeded: parity.asciiValue ?? UInt8(ascii: "N"))
        guard let context = modbus_new_rtu(path, Int32(baud), parityByte, Int32(dataBits), Int32(stopBits)) else {
            throw ModbusError(.system(.current), during: .connect(endpoint: path))
        }
        modbus_set_slave(context, Int32(unit))
        if modbus_connect(context) == -1 {
            let e = SystemError.current
            modbus_free(context)
            throw ModbusError(.linkDown(e), during: .connect(endpoint: path))
        }
        // Wake up regularly to notice stop().
        modbus_set_indication_timeout(context, 0, 100_000)
        self.context = context
        self.listenFD = -1
        self.serial = true
        self.host = path
        self.port = 0
        self.maps = [UInt8(truncatingIfNeeded: unit): RegisterMap()]
    }

    deinit {
        self.stop()
        if self.serial { modbus_close(self.context) }
        modbus_free(self.context)
    }

    /// Runs `body` with the register maps by unit, excluded from request handling.
    public func withRegisters<R>(_ body: ([UInt8: RegisterMap]) throws -> R) rethrows -> R {
        try self.lock.withLock { _ in try body(self.maps) }
    }

    /// Convenience: the map of one unit (use inside ``withRegisters(_:)`` when the server runs).
    public func registers(unit: Int) -> RegisterMap? { self.maps[UInt8(truncatingIfNeeded: unit)] }

    /// Decides how each request is answered (default: reply).
    public func setHook(_ hook: (@Sendable (Request) -> Action)?) {
        self.hook.withLock { $0 = hook }
    }

    /// How many requests of each function code were received so far.
    public var functionCodeCounts: [UInt8: Int] { self.counts.withLock { $0 } }

    public func start() {
        guard self.thread == nil else { return }
        self.thread = PosixThread(name: "modbus-server") { [self] in self.serve() }
    }

    /// Stops serving, closes every client connection and the listening socket (the port is free again for a new
    /// server, as when a PLC reboots). A stopped server cannot be started again.
    public func stop() {
        self.stopping.store(true, ordering: .releasing)
        self.thread?.join()
        self.thread = nil
        if self.listening.exchange(false, ordering: .acquiringAndReleasing) && !self.serial {
            Glibc.close(self.listenFD)
        }
    }

    private func serve() {
        if self.serial {
            self.serveSerial()
            return
        }
        var clients: [Int32] = []
        let query = UnsafeMutablePointer<UInt8>.allocate(capacity: Int(MODBUS_TCP_MAX_ADU_LENGTH))
        defer {
            query.deallocate()
            for fd in clients { Glibc.close(fd) }
        }
        let header = Int(modbus_get_header_length(self.context))
        while !self.stopping.load(ordering: .acquiring) {
            var fds = [pollfd(fd: self.listenFD, events: Int16(POLLIN), revents: 0)]
            fds += clients.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), 20)
            if ready <= 0 { continue }
            if fds[0].revents & Int16(POLLIN) != 0 {
                let fd = accept(self.listenFD, nil, nil)
                if fd >= 0 { clients.append(fd) }
            }
            var closed: Set<Int32> = []
            for p in fds.dropFirst() where p.revents != 0 {
                modbus_set_socket(self.context, p.fd)
                let rc = modbus_receive(self.context, query)
                if rc == -1 {
                    closed.insert(p.fd)
                    continue
                }
                if rc == 0 { continue }  // ignored by libmodbus
                // libmodbus reads only the function code of requests it does not know (0x2B): take the rest of
                // the frame as its MBAP length gives it.
                let total = min(6 + (Int(query[4]) << 8 | Int(query[5])), Int(MODBUS_TCP_MAX_ADU_LENGTH))
                let length = Int(rc) + Self.readRest(p.fd, into: query + Int(rc), count: total - Int(rc))
                if !self.handle(query, length: Int32(length), header: header, fd: p.fd) { closed.insert(p.fd) }
            }
            for fd in closed { Glibc.close(fd) }
            clients.removeAll { closed.contains($0) }
        }
        modbus_set_socket(self.context, -1)
    }

    /// RTU serving with our own framing. libmodbus' RTU server (3.1.6) assumes that a request to another unit is
    /// followed by that unit's answer and discards the next frame whatever it is (`confirmation_to_ignore`): with a
    /// dead unit on the bus it drops the next request to itself. A real slave frames by length and CRC instead, and
    /// so does this loop; libmodbus still builds every reply.
    private func serveSerial() {
        let fd = modbus_get_socket(self.context)
        var buffer = [UInt8](repeating: 0, count: 512)
        var count = 0
        let served = Set(self.maps.keys)
        while !self.stopping.load(ordering: .acquiring) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 50) <= 0 {
                count = 0  // silence: drop any partial frame
                continue
            }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n <= 0 { continue }
            count += n
            while count >= 2 {
                guard let length = Self.rtuRequestLength(buffer, count: count) else {
                    count = 0  // unknown function: resynchronise at the next silence
                    break
                }
                if count < length { break }
                if Self.crc16(buffer, length - 2) == UInt16(buffer[length - 2]) | UInt16(buffer[length - 1]) << 8,
                   served.contains(buffer[0])
                {
                    buffer.withUnsafeMutableBufferPointer {
                        _ = self.handle($0.baseAddress!, length: Int32(length), header: 1, fd: fd)
                    }
                }
                buffer.withUnsafeMutableBufferPointer { p in
                    for i in 0..<(count - length) { p[i] = p[i + length] }
                }
                count -= length
            }
            if count == buffer.count { count = 0 }
        }
    }

    /// Reads up to `count` more bytes of a frame (waiting at most 100 ms); returns how many came.
    private static func readRest(_ fd: Int32, into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        var got = 0
        while got < count {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 100) > 0 else { break }
            let n = Glibc.recv(fd, buffer + got, count - got, 0)
            if n <= 0 { break }
            got += n
        }
        return got
    }

    /// The answer PDU to a 0x11 or 0x2B request PDU.
    private func identityAnswer(_ pdu: UnsafeMutablePointer<UInt8>, length: Int) -> [UInt8] {
        let identity = self.identity.withLock { $0 }
        let function = pdu[0]
        if function == 0x11 {
            return ServerIDReport.responsePDU(serverID: identity.serverID, running: identity.running, data: identity.data)
        }
        guard identity.answersDeviceIdentification, length >= 4, pdu[1] == 0x0E else {
            return [function | 0x80, ModbusException.illegalFunction.code]
        }
        let readCode = pdu[2]
        let first = pdu[3]
        let objects: [UInt8: [UInt8]]
        switch readCode {
        case 1: objects = identity.objects.filter { $0.key <= 0x02 }
        case 2: objects = identity.objects.filter { $0.key <= 0x7F }
        case 3: objects = identity.objects
        case 4:
            guard let value = identity.objects[first] else { return [0xAB, ModbusException.illegalDataAddress.code] }
            objects = [first: value]
        default: return [0xAB, ModbusException.illegalDataValue.code]
        }
        let start = readCode == 4 || objects[first] != nil ? first : 0
        return DeviceIdentification.responsePDU(readCode: readCode, conformityLevel: 0x83, from: start,
                                                objects: objects)
    }

    /// Sends an answer PDU framed as the query was (MBAP with its transaction id, or RTU with a CRC).
    private func sendRaw(_ pdu: [UInt8], to fd: Int32, query: UnsafeMutablePointer<UInt8>, header: Int) {
        var frame: [UInt8]
        if self.serial {
            frame = [query[0]] + pdu
            let crc = Self.crc16(frame, frame.count)
            frame += [UInt8(crc & 0xFF), UInt8(crc >> 8)]
        } else {
            let length = pdu.count + 1
            frame = [query[0], query[1], 0, 0, UInt8(length >> 8), UInt8(length & 0xFF), query[6]] + pdu
        }
        _ = frame.withUnsafeBytes { Glibc.write(fd, $0.baseAddress!, $0.count) }
    }

    /// The length of an RTU request frame (unit, function, data, CRC) from its first bytes; nil when unknown.
    static func rtuRequestLength(_ b: [UInt8], count: Int) -> Int? {
        switch b[1] {
        case 1, 2, 3, 4, 5, 6: return 8
        case 0x11: return 4
        case 0x2B: return 7
        case 15, 16: return count >= 7 ? 9 + Int(b[6]) : Int.max
        case 0x17: return count >= 11 ? 13 + Int(b[10]) : Int.max
        default: return nil
        }
    }

    /// Modbus RTU CRC-16 (polynomial 0xA001, initial 0xFFFF), sent low byte first.
    static func crc16(_ b: [UInt8], _ count: Int) -> UInt16 {
        var crc: UInt16 = 0xFFFF
        for i in 0..<count {
            crc ^= UInt16(b[i])
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA001 : crc >> 1 }
        }
        return crc
    }

    /// Answers one request as the hook says; returns false when the connection should be closed.
    private func handle(_ query: UnsafeMutablePointer<UInt8>, length rc: Int32, header: Int, fd: Int32) -> Bool {
        let request = Request(
            unit: query[header - 1], function: query[header],
            address: Int(query[header + 1]) << 8 | Int(query[header + 2]),
            count: Int(query[header + 3]) << 8 | Int(query[header + 4]))
        self.counts.withLock { $0[request.function, default: 0] += 1 }
        var action = self.hook.withLock { $0 }?(request) ?? .reply
        if case .delay(let ns) = action {
            var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
            nanosleep(&ts, nil)
            action = .reply
        }
        switch action {
        case .reply, .delay:
            if request.function == 0x11 || request.function == 0x2B {
                let pdu = self.identityAnswer(query + header, length: Int(rc) - header - (self.serial ? 2 : 0))
                self.sendRaw(pdu, to: fd, query: query, header: header)
                return true
            }
            self.lock.withLock { _ in
                if let map = self.maps[request.unit] ?? (self.serial ? self.maps.values.first : nil) {
                    _ = modbus_reply(self.context, query, rc, map.mapping)
                } else {
                    _ = modbus_reply_exception(self.context, query,
                                               UInt32(ModbusException.gatewayTargetFailedToRespond.code))
                }
            }
        case .exception(let e):
            _ = modbus_reply_exception(self.context, query, UInt32(e.code))
        case .ignore:
            break
        case .disconnect:
            return false
        }
        return true
    }
}
