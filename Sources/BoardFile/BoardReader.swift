import Detectors
import Glibc
import Registers
import YAML

/// Turns a parsed YAML tree into a ``Board``, collecting every problem on the way.
struct BoardReader {
    let sink: DiagnosticSink
    var profiles = ProfileCache()

    static let topKeys = ["gateway", "mqtt", "summary_interval", "state_dir", "snapshot_interval", "spool", "ports",
                          "maintenance", "devices"]
    static let maintenanceKeys = ["days", "from", "to"]
    static let linkKeys = ["enabled", "window", "learn"]
    static let spoolKeys = ["path", "max_size", "fsync", "fsync_interval", "replay_rate"]
    static let portKeys = ["device", "baud", "parity", "data_bits", "stop_bits", "rs485", "turnaround"]
    static let mqttKeys = ["url", "topic_prefix", "qos", "client_id", "tls", "username", "password_file", "format",
                           "group_id"]
    static let tlsKeys = ["ca_file", "cert_file", "key_file", "min_version"]
    static let deviceSettingKeys = ["unit", "poll_interval", "timeout", "retries", "pause_after_connect",
                                    "pause_between_requests", "max_gap", "max_registers", "max_bits", "degrade_after",
                                    "degrade_for", "identity", "identity_interval", "detection_latency"]
    static let deviceKeys = ["id", "tcp", "rtu", "profile", "channels", "maintenance", "link"] + deviceSettingKeys
    static let channelKeys = ["id", "register", "table", "address", "type", "order", "byte", "bit", "length", "scale",
                              "offset", "unit", "window", "poll_interval", "period", "role", "detectors", "simulate",
                              "deadband"]
    static let simulateKeys = ["level", "noise", "cycle", "amplitude", "repeat", "seed", "faults", "text"]
    static let faultKeys = ["kind", "at", "for", "magnitude", "value", "detect_within"]

    /// Resource bounds on what a board may declare.
    static let maxDevices = 256
    static let maxPorts = 32
    static let maxChannelsPerDevice = 4096
    static let maxRingBytes = 256 << 20

    func read(_ root: YAMLNode) -> Board? {
        guard let top = MappingReader(root, path: "", sink: self.sink) else { return nil }
        top.finish(known: Self.topKeys)
        let gateway = top.identifier("gateway", required: true)?.0
        let mqtt = top.node("mqtt", required: true).flatMap { self.readMQTT($0, gateway: gateway) }
        let summaryInterval = top.duration("summary_interval", in: .milliseconds(100)...(.seconds(86400)))
            ?? Board.defaultSummaryInterval
        let persistence = self.readPersistence(top)
        let ports = top.node("ports").map(self.readPorts) ?? []
        let maintenance = top.node("maintenance").map { self.readMaintenance($0, path: "maintenance") } ?? []
        var devices: [DeviceDefinition] = []
        if let seq = top.sequence("devices", required: true) {
            if seq.items.isEmpty {
                self.sink.error(seq.mark, "devices", "at least one device is required")
            } else if seq.items.count > Self.maxDevices {
                self.sink.error(seq.mark, "devices", "\(seq.items.count) devices exceed the limit of \(Self.maxDevices)")
            }
            var firstByID: [String: Int] = [:]
            for (index, item) in seq.items.prefix(Self.maxDevices).enumerated() {
                guard var device = self.readDevice(item, path: "devices[\(index)]", ports: ports) else { continue }
                if case .mapping(let mapping) = item, mapping["maintenance"] == nil { device.maintenance = maintenance }
                if let first = firstByID[device.id] {
                    self.sink.error(device.mark, "devices[\(index)].id",
                                    "duplicate device id \"\(device.id)\" (also devices[\(first)])")
                } else {
                    firstByID[device.id] = index
                }
                devices.append(device)
            }
        }
        let ringBytes = devices.reduce(0) { total, device in
            total + device.channels.reduce(0) { $0 + $1.window * 8 } + (device.channels.map(\.window).max() ?? 0) * 8
        }
        if ringBytes > Self.maxRingBytes {
            self.sink.error(root.mark, "devices",
                            "rings would take \(ringBytes) bytes, more than the limit of \(Self.maxRingBytes)")
        }
        guard self.sink.isEmpty, let gateway, let mqtt else { return nil }
        var board = Board(gateway: gateway, mqtt: mqtt, summaryInterval: summaryInterval, ports: ports,
                          devices: devices, persistence: persistence, file: self.sink.file)
        board.maintenance = maintenance
        return board
    }

    /// Sparkplug ids (group, edge node, device) are topic segments: no wildcard, separator or space.
    static func isValidSparkplugID(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "+")
            && $0 != UInt8(ascii: "#") && $0 != UInt8(ascii: "/") }
    }

    func readMQTT(_ node: YAMLNode, gateway: String?) -> BrokerSettings? {
        guard let m = MappingReader(node, path: "mqtt", sink: self.sink) else { return nil }
        m.finish(known: Self.mqttKeys)
        var endpoint: Endpoint?
        var secure = false
        let url = m.string("url", required: true)
        if let (text, mark) = url {
            let scheme = text.hasPrefix("mqtt://") ? "mqtt://" : text.hasPrefix("mqtts://") ? "mqtts://" : nil
            if let scheme {
                secure = scheme == "mqtts://"
                let port = secure ? BrokerSettings.defaultTLSPort : BrokerSettings.defaultPort
                switch Endpoint.parse(String(text.dropFirst(scheme.count)), defaultPort: port) {
                case .success(let e): endpoint = e
                case .failure(let e): self.sink.error(mark, "mqtt.url", e.message)
                }
            } else {
                self.sink.error(mark, "mqtt.url", "expected mqtt://HOST[:PORT] or mqtts://HOST[:PORT], found \"\(text)\"")
            }
        }
        var tls: BrokerTLS?
        if let node = m.node("tls") {
            tls = self.readTLS(node)
            if url != nil && !secure {
                self.sink.error(node.mark, "mqtt.tls", "TLS settings need an mqtts:// url")
            }
        } else if secure {
            tls = BrokerTLS(caFile: nil, certFile: nil, keyFile: nil)
        }
        let username = m.string("username", maxLength: 256)
        var passwordFile: String?
        if let (path, mark) = m.string("password_file", maxLength: 4096) {
            let resolved = self.resolvePath(path)
            if let problem = SecretFile.problem(at: resolved) {
                self.sink.error(mark, "mqtt.password_file", problem)
            }
            passwordFile = resolved
            if username == nil { self.sink.error(mark, "mqtt.password_file", "a password needs mqtt.username") }
        }
        var prefix = BrokerSettings.defaultTopicPrefix
        if let (text, mark) = m.string("topic_prefix", maxLength: 128) {
            if Self.isValidTopicPrefix(text) {
                prefix = text
            } else {
                self.sink.error(mark, "mqtt.topic_prefix",
                                "\"\(text)\" is not a valid topic prefix ('/'-separated segments of A-Z a-z 0-9 _ -)")
            }
        }
        let qos = m.integer("qos", in: 0...2) ?? BrokerSettings.defaultQoS
        var clientID = gateway.map { "otsentry-\($0)" } ?? "otsentry"
        if let (text, mark) = m.string("client_id", maxLength: 128) {
            if !text.isEmpty && text.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "+")
                && $0 != UInt8(ascii: "#") && $0 != UInt8(ascii: "/") })
            {
                clientID = text
            } else {
                self.sink.error(mark, "mqtt.client_id", "must be printable ASCII without spaces, '/', '+' or '#'")
            }
        }
        let format = m.choice("format", OutputFormat.self) ?? .json
        var groupID: String?
        if let (text, mark) = m.string("group_id", maxLength: 128) {
            if format != .sparkplug {
                self.sink.error(mark, "mqtt.group_id", "group_id applies to format: sparkplug only")
            } else if Self.isValidSparkplugID(text) {
                groupID = text
            } else {
                self.sink.error(mark, "mqtt.group_id",
                                "\"\(text)\" is not a valid Sparkplug group id (printable ASCII without spaces, '/', '+' or '#')")
            }
        } else if format == .sparkplug {
            self.sink.error(m.scalar("format")?.mark ?? node.mark, "mqtt.group_id",
                            "format: sparkplug needs a group_id (the Sparkplug group of this edge node)")
        }
        guard let (urlText, _) = url, let endpoint else { return nil }
        var settings = BrokerSettings(url: urlText, endpoint: endpoint, topicPrefix: prefix, qos: qos, clientID: clientID,
                                      tls: tls, username: username?.0, passwordFile: passwordFile)
        settings.format = format
        settings.groupID = groupID
        return settings
    }

    func readTLS(_ node: YAMLNode) -> BrokerTLS? {
        guard let m = MappingReader(node, path: "mqtt.tls", sink: self.sink) else { return nil }
        m.finish(known: Self.tlsKeys)
        func file(_ key: String) -> String? {
            guard let (path, mark) = m.string(key, maxLength: 4096) else { return nil }
            let resolved = self.resolvePath(path)
            if access(resolved, R_OK) != 0 {
                self.sink.error(mark, "mqtt.tls.\(key)", "cannot read \(resolved): \(String(cString: strerror(errno)))")
            }
            return resolved
        }
        let ca = file("ca_file")
        let cert = file("cert_file")
        let key = file("key_file")
        if (cert == nil) != (key == nil) {
            self.sink.error(node.mark, "mqtt.tls", "cert_file and key_file go together (mutual TLS needs both)")
        }
        var version = "tlsv1.2"
        if let (text, mark) = m.string("min_version") {
            switch text {
            case "1.2", "tlsv1.2": version = "tlsv1.2"
            case "1.3", "tlsv1.3": version = "tlsv1.3"
            default: self.sink.error(mark, "mqtt.tls.min_version", "expected 1.2 or 1.3, found \"\(text)\"")
            }
        }
        return BrokerTLS(caFile: ca, certFile: cert, keyFile: key, minVersion: version)
    }

    /// A path from the board: absolute as written, relative ones against the board file's directory.
    func resolvePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let file = self.sink.file
        guard let slash = file.lastIndex(of: "/") else { return path }
        return String(file[...slash]) + path
    }

    static func isValidTopicPrefix(_ text: String) -> Bool {
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        return !text.isEmpty && segments.allSatisfy { segment in
            !segment.isEmpty && segment.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
                    || b == 0x2D
            }
        }
    }

    func readPersistence(_ top: MappingReader) -> PersistenceSettings {
        var p = PersistenceSettings()
        if let (path, mark) = top.string("state_dir", maxLength: 1024) {
            if path.hasPrefix("/") { p.stateDirectory = path } else {
                self.sink.error(mark, "state_dir", "expected an absolute path")
            }
        }
        p.snapshotInterval = top.duration("snapshot_interval", in: .seconds(10)...(.seconds(86400))) ?? p.snapshotInterval
        guard let node = top.node("spool"), let m = MappingReader(node, path: "spool", sink: self.sink) else { return p }
        m.finish(known: Self.spoolKeys)
        if let (path, mark) = m.string("path", maxLength: 1024) {
            if path.hasPrefix("/") { p.spoolPath = path } else { self.sink.error(mark, "spool.path", "expected an absolute path") }
        }
        if let (text, mark) = m.string("max_size") {
            if let bytes = ByteSize.parse(text), bytes >= 64 << 10, bytes <= 64 << 30 {
                p.spoolMaxBytes = bytes
            } else {
                self.sink.error(mark, "spool.max_size", "expected a size from 64KiB to 64GiB such as 64MiB, found \"\(text)\"")
            }
        }
        p.fsync = m.choice("fsync", PersistenceSettings.Fsync.self) ?? p.fsync
        p.fsyncInterval = m.duration("fsync_interval", in: .milliseconds(10)...(.seconds(60))) ?? p.fsyncInterval
        if let rate = m.number("replay_rate") {
            if rate > 0 && rate <= 100_000 { p.replayRate = rate } else if let s = m.scalar("replay_rate") {
                self.sink.error(s.mark, "spool.replay_rate", "expected messages per second, from 0 (exclusive) to 100000")
            }
        }
        return p
    }

    func readPorts(_ node: YAMLNode) -> [SerialPortDefinition] {
        guard let m = MappingReader(node, path: "ports", sink: self.sink) else { return [] }
        m.finish(known: m.mapping.entries.map(\.key.value))  // any name; duplicates are still reported
        if m.mapping.entries.count > Self.maxPorts {
            self.sink.error(m.mapping.mark, "ports", "\(m.mapping.entries.count) ports exceed the limit of \(Self.maxPorts)")
        }
        var ports: [SerialPortDefinition] = []
        var seen: Set<String> = []
        for entry in m.mapping.entries.prefix(Self.maxPorts) where seen.insert(entry.key.value).inserted {
            let name = entry.key.value
            let path = "ports.\(name)"
            guard Identifier.isValid(name) else {
                self.sink.error(entry.key.mark, path, "\"\(name)\" is not a valid port name (\(Identifier.rule))")
                continue
            }
            guard let p = MappingReader(entry.value, path: path, sink: self.sink) else { continue }
            p.finish(known: Self.portKeys)
            var device: String?
            if let (text, mark) = p.string("device", required: true) {
                if text.hasPrefix("/") && !text.contains(" ") {
                    device = text
                } else {
                    self.sink.error(mark, p.child("device"), "expected an absolute device path such as /dev/ttyS1")
                }
            }
            var port = SerialPortDefinition(name: name, device: device ?? "", mark: p.mapping.mark)
            if let baud = p.integer("baud", in: 50...4_000_000) {
                if SerialPortDefinition.allowedBauds.contains(baud) {
                    port.baud = baud
                } else if let s = p.scalar("baud") {
                    let list = SerialPortDefinition.allowedBauds.map(String.init).joined(separator: ", ")
                    self.sink.error(s.mark, p.child("baud"), "unsupported baud rate \(baud) (expected one of: \(list))")
                }
            }
            port.parity = p.choice("parity", SerialPortDefinition.Parity.self) ?? .even
            port.dataBits = p.integer("data_bits", in: 7...8) ?? 8
            port.stopBits = p.integer("stop_bits", in: 1...2) ?? 1
            port.rs485 = p.boolean("rs485") ?? false
            port.turnaround = p.duration("turnaround", in: .zero...(.seconds(10))) ?? .zero
            if device != nil { ports.append(port) }
        }
        return ports
    }

    func readDevice(_ node: YAMLNode, path: String, ports: [SerialPortDefinition]) -> DeviceDefinition? {
        guard let m = MappingReader(node, path: path, sink: self.sink) else { return nil }
        m.finish(known: Self.deviceKeys)
        let id = m.identifier("id", required: true)?.0
        var transport: Transport?
        let tcp = m.string("tcp")
        let rtu = m.string("rtu")
        switch (tcp, rtu) {
        case (nil, nil):
            self.sink.error(m.mapping.mark, m.child("tcp"), "missing required key (or rtu: PORT for a serial device)")
        case (.some, .some(let (_, mark))):
            self.sink.error(mark, m.child("rtu"), "a device is reached by tcp or by rtu, not both")
        case (.some(let (text, mark)), nil):
            switch Endpoint.parse(text, defaultPort: Transport.defaultTCPPort) {
            case .success(let e): transport = .tcp(e)
            case .failure(let e): self.sink.error(mark, m.child("tcp"), e.message)
            }
        case (nil, .some(let (name, mark))):
            if ports.contains(where: { $0.name == name }) {
                transport = .rtu(port: name)
            } else {
                let known = ports.map(\.name).joined(separator: ", ")
                self.sink.error(mark, m.child("rtu"), "no port \"\(name)\" in ports:"
                                    + (known.isEmpty ? " (the board declares no serial port)" : " (declared: \(known))"))
            }
        }
        let isRTU = rtu != nil
        // Settings: the board's, else the profile's defaults, else the agent's.
        var profile: ProfileDefinition?
        if let (name, mark) = m.identifier("profile") {
            profile = self.profile(named: name, at: mark, keyPath: m.child("profile"))
        }
        let own = self.readDeviceSettings(m, isRTU: isRTU)
        let base = profile?.device ?? DeviceOverrides()
        var device = DeviceDefinition(id: id ?? "", transport: transport ?? .rtu(port: ""), channels: [],
                                      mark: m.mapping.mark)
        device.unit = own.unit ?? base.unit ?? DeviceDefinition.defaultUnit
        if isRTU && !(1...247).contains(device.unit) {
            self.sink.error(m.mapping.mark, m.child("unit"), "\(device.unit) is out of range for RTU (1 to 247)")
        }
        device.pollInterval = own.pollInterval ?? base.pollInterval ?? DeviceDefinition.defaultPollInterval
        device.timeout = own.timeout ?? base.timeout ?? DeviceDefinition.defaultTimeout
        device.retries = own.retries ?? base.retries ?? 0
        device.pauseAfterConnect = own.pauseAfterConnect ?? base.pauseAfterConnect ?? .zero
        device.pauseBetweenRequests = own.pauseBetweenRequests ?? base.pauseBetweenRequests ?? .zero
        device.maxGap = own.maxGap ?? base.maxGap ?? DeviceDefinition.defaultMaxGap
        device.maxRegisters = own.maxRegisters ?? base.maxRegisters ?? 125
        device.maxBits = own.maxBits ?? base.maxBits ?? 2000
        device.degradeAfter = own.degradeAfter ?? base.degradeAfter ?? DeviceDefinition.defaultDegradeAfter
        device.degradeFor = own.degradeFor ?? base.degradeFor ?? DeviceDefinition.defaultDegradeFor
        device.detectionLatency = own.detectionLatency ?? base.detectionLatency ?? DeviceDefinition.defaultDetectionLatency
        device.identity = own.identity ?? base.identity ?? false
        device.identityInterval = own.identityInterval ?? base.identityInterval ?? DeviceDefinition.defaultIdentityInterval
        if let node = m.node("maintenance") { device.maintenance = self.readMaintenance(node, path: m.child("maintenance")) }
        if let node = m.node("link") { device.link = self.readLink(node, path: m.child("link")) }
        if let profile {
            device.channels = profile.channels
            device.profile = profile.name
        }
        if let seq = m.sequence("channels", required: profile == nil) {
            if seq.items.isEmpty && profile == nil {
                self.sink.error(seq.mark, m.child("channels"), "at least one channel is required")
            } else if seq.items.count > Self.maxChannelsPerDevice {
                self.sink.error(seq.mark, m.child("channels"),
                                "\(seq.items.count) channels exceed the limit of \(Self.maxChannelsPerDevice)")
            }
            var indexByID: [String: Int] = [:]
            var indexed: [(channel: ChannelDefinition, index: Int)] = []
            var fromProfile = Set(device.channels.map(\.id))
            for (index, item) in seq.items.prefix(Self.maxChannelsPerDevice).enumerated() {
                let channelPath = m.child("channels[\(index)]")
                guard let channel = self.readChannel(item, path: channelPath, maxRegisters: device.maxRegisters)
                else { continue }
                if let first = indexByID[channel.id] {
                    self.sink.error(channel.mark, channelPath + ".id",
                                    "duplicate channel id \"\(channel.id)\" (also \(m.child("channels[\(first)]")))")
                } else {
                    indexByID[channel.id] = index
                }
                if fromProfile.remove(channel.id) != nil {
                    // Overrides the profile's channel of the same id.
                    device.channels.removeAll { $0.id == channel.id }
                }
                indexed.append((channel, index))
            }
            // The profile's channels keep their place first; the board's follow.
            let inherited = device.channels.map { (channel: $0, index: -1) }
            self.checkOverlaps(inherited + indexed, devicePath: m.child("channels"))
            device.channels += indexed.map(\.channel)
        }
        for (index, c) in device.channels.enumerated() {
            guard let period = c.period else { continue }
            let samples = Int((period.seconds / device.pollInterval(of: c).seconds).rounded())
            if samples < 4 || 2 * samples > c.window {
                self.sink.error(c.mark, m.child("channels[\(index)].period"),
                                "channel \"\(c.id)\": period \(DurationFormat.describe(period)) is \(samples) poll intervals; "
                                    + "it must be 4 or more and fit twice in the window of \(c.window) samples")
            }
        }
        guard id != nil, transport != nil else { return nil }
        return device
    }

    static let pollRange: ClosedRange<Duration> = .milliseconds(10)...(.seconds(86400))

    /// Two channels may not read the same register (or bit) of a table, except channels that each use part of a
    /// register (`bit`, `int8`, `uint8`) and do not use the same bits.
    func checkOverlaps(_ channels: [(channel: ChannelDefinition, index: Int)], devicePath: String) {
        for table in RegisterTable.allCases {
            let sorted = channels.filter { $0.channel.table == table }.sorted { $0.channel.address < $1.channel.address }
            var open: [(channel: ChannelDefinition, index: Int)] = []
            for item in sorted {
                let c = item.channel
                open.removeAll { $0.channel.addresses.upperBound <= c.address }
                // Channels from a profile have index -1: the profile checks its own; a clash with the board's
                // channel is reported at the board's channel.
                if let clash = open.first(where: { Self.clash($0.channel, c) && ($0.index >= 0 || item.index >= 0) }) {
                    let (here, other) = item.index >= 0 ? (item, clash) : (clash, item)
                    let what = other.index >= 0 ? "channel" : "profile channel"
                    self.sink.error(here.channel.mark, "\(devicePath)[\(here.index)].address",
                                    "\(Self.describe(here.channel)) overlaps \(what) \"\(other.channel.id)\" "
                                        + "(\(Self.describe(other.channel)))")
                }
                open.append(item)
            }
        }
    }

    static func clash(_ a: ChannelDefinition, _ b: ChannelDefinition) -> Bool {
        guard a.addresses.overlaps(b.addresses) else { return false }
        guard !a.table.holdsBits, a.type.isSubRegister, b.type.isSubRegister else { return true }
        return a.codec.usedBits & b.codec.usedBits != 0
    }

    static func describe(_ c: ChannelDefinition) -> String {
        let noun = c.table.holdsBits ? "bit" : "register"
        var text = c.width == 1 ? "\(c.table) \(noun) \(c.address)"
            : "\(c.table) \(noun)s \(c.address)..\(c.addresses.upperBound - 1)"
        if c.type == .bit { text += " bit \(c.bit)" }
        if c.type == .int8 || c.type == .uint8 { text += " \(c.byte.rawValue) byte" }
        return text
    }

    func readChannel(_ node: YAMLNode, path: String, maxRegisters: Int) -> ChannelDefinition? {
        guard let m = MappingReader(node, path: path, sink: self.sink) else { return nil }
        m.finish(known: Self.channelKeys)
        let id = m.identifier("id", required: true)?.0
        var table: RegisterTable?
        var address: Int?
        var modicon: Int?
        if let register = m.scalar("register") {
            let conflicting = ["table", "address"].compactMap { key in m.node(key).map { (key, $0.mark) } }
            for (key, mark) in conflicting {
                self.sink.error(mark, m.child(key), "give either register (a Modicon number) or table and address, not both")
            }
            if conflicting.isEmpty, let number = m.integer("register", in: 1...465_536) {
                if let resolved = ModiconAddress.resolve(number) {
                    (table, address, modicon) = (resolved.table, resolved.address, number)
                } else {
                    self.sink.error(register.mark, m.child("register"),
                                    "\(number) is not a Modicon register number (1-9999 coils, 10001-19999 or "
                                        + "100001-165536 discrete inputs, 30001-39999 or 300001-365536 input registers, "
                                        + "40001-49999 or 400001-465536 holding registers)")
                }
            }
        } else {
            table = m.choice("table", RegisterTable.self, required: true)
            address = m.integer("address", in: 0...65535, required: true)
        }
        var type = m.choice("type", DataType.self)
        if type == nil, m.node("type") == nil, let table { type = table.holdsBits ? .bool : .uint16 }
        let order = m.choice("order", ByteOrder.self) ?? .ABCD
        let scale = m.number("scale") ?? 1
        if scale == 0, let s = m.scalar("scale") { self.sink.error(s.mark, m.child("scale"), "must not be 0") }
        let offset = m.number("offset") ?? 0
        let unit = m.string("unit", maxLength: ChannelDefinition.maxUnitLength)?.0 ?? ""
        let window = m.integer("window", in: 2...ChannelDefinition.maxWindow) ?? ChannelDefinition.defaultWindow
        let pollInterval = m.duration("poll_interval", in: Self.pollRange)
        let period = m.duration("period", in: .milliseconds(100)...(.seconds(31 * 86400)))
        let simulation = m.node("simulate").flatMap { self.readSimulation($0, path: m.child("simulate")) }
        let role = m.choice("role", ChannelRole.self)
        let deadband = m.number("deadband") ?? 0
        if !(deadband >= 0), let s = m.scalar("deadband") { self.sink.error(s.mark, m.child("deadband"), "must be ≥ 0") }
        // Discrete states (bool, bit) get no statistical bank by default: spikes and shifts mean nothing on them;
        // neither do they on parameters, which should not move at all.
        var detectors = type == .bool || type == .bit || role != nil ? DetectorBankConfiguration.none : .default
        if let node = m.node("detectors") {
            detectors = self.readDetectors(node, path: m.child("detectors"), window: window)
        }
        detectors.period = period.map(\.seconds)

        // Keys that belong to one type only.
        var byte = ByteSelect.low
        var bit = 0
        var length = 1
        if let type {
            if let s = m.scalar("byte"), type != .int8 && type != .uint8 {
                self.sink.error(s.mark, m.child("byte"), "byte applies to types int8 and uint8 only")
            } else {
                byte = m.choice("byte", ByteSelect.self) ?? .low
            }
            if type == .bit {
                bit = m.integer("bit", in: 0...15, required: true) ?? 0
            } else if let s = m.scalar("bit") {
                self.sink.error(s.mark, m.child("bit"), "bit applies to type bit only")
            }
            if type == .string {
                length = m.integer("length", in: 1...ChannelDefinition.maxStringLength, required: true) ?? 1
            } else if let s = m.scalar("length") {
                self.sink.error(s.mark, m.child("length"), "length applies to type string only")
            }
        }

        if let table, let type, table.holdsBits, !type.fitsBitTable {
            let s = m.scalar("type")
            self.sink.error(s?.mark ?? m.mapping.mark, m.child("type"),
                            "type \(type.rawValue) cannot be read from the \(table.rawValue) table (bits only: use bool)")
        }
        if let address, let type, let table, !table.holdsBits {
            let count = type == .string ? length : type.registerCount
            let s = m.scalar("address") ?? m.scalar("register")
            if address + count - 1 > 65535 {
                self.sink.error(s?.mark ?? m.mapping.mark, m.child(modicon == nil ? "address" : "register"),
                                "\(type.rawValue) at \(address) would end past register 65535")
            } else if count > maxRegisters {
                self.sink.error(m.scalar("length")?.mark ?? m.mapping.mark, m.child("length"),
                                "\(count) registers do not fit in one request of this device (max_registers: \(maxRegisters))")
            }
        }
        guard let id, let table, let address, let type, scale != 0 else { return nil }
        var channel = ChannelDefinition(id: id, table: table, address: address, type: type, order: order, byte: byte,
                                        bit: bit, length: length, scaling: Scaling(scale: scale, offset: offset),
                                        unit: unit, window: window, pollInterval: pollInterval, modiconNumber: modicon,
                                        simulation: simulation, detectors: detectors, period: period,
                                        mark: m.mapping.mark)
        channel.role = role
        channel.deadband = max(0, deadband)
        return channel
    }

    func readSimulation(_ node: YAMLNode, path: String) -> SimulationDefinition? {
        guard let m = MappingReader(node, path: path, sink: self.sink) else { return nil }
        m.finish(known: Self.simulateKeys)
        var sim = SimulationDefinition()
        sim.level = m.number("level") ?? 0
        sim.noise = m.number("noise") ?? 0
        if sim.noise < 0, let s = m.scalar("noise") { self.sink.error(s.mark, m.child("noise"), "must be ≥ 0") }
        let span: ClosedRange<Duration> = .milliseconds(10)...(.seconds(7 * 86400))
        sim.cycle = m.duration("cycle", in: span)
        sim.amplitude = m.number("amplitude") ?? 0
        sim.repeatEvery = m.duration("repeat", in: span)
        sim.seed = m.integer("seed", in: 0...Int.max).map { UInt64($0) }
        sim.text = m.string("text", maxLength: 2 * ChannelDefinition.maxStringLength)?.0 ?? ""
        if let seq = m.sequence("faults") {
            for (index, item) in seq.items.enumerated() {
                if let fault = self.readFault(item, path: m.child("faults[\(index)]"), repeatEvery: sim.repeatEvery) {
                    sim.faults.append(fault)
                }
            }
        }
        return sim
    }

    func readFault(_ node: YAMLNode, path: String, repeatEvery: Duration?) -> FaultDefinition? {
        guard let m = MappingReader(node, path: path, sink: self.sink) else { return nil }
        m.finish(known: Self.faultKeys)
        let kind = m.choice("kind", FaultDefinition.Kind.self, required: true)
        let at = m.duration("at", in: .zero...(.seconds(7 * 86400)), required: true)
        let duration = m.duration("for", in: .milliseconds(1)...(.seconds(7 * 86400)))
        let needsMagnitude = kind == .spike || kind == .drift || kind == .step
        let magnitude = m.number("magnitude", required: needsMagnitude) ?? 0
        let value = m.number("value", required: kind == .outOfRange) ?? 0
        guard let kind, let at else { return nil }
        let detectWithin = m.duration("detect_within", in: .milliseconds(1)...(.seconds(86400)))
        let fault = FaultDefinition(kind: kind, at: at, duration: duration, magnitude: magnitude, value: value,
                                    detectWithin: detectWithin)
        if let repeatEvery, at + (fault.effectiveDuration ?? .zero) > repeatEvery {
            self.sink.error(m.mapping.mark, path, "the fault ends after the schedule repeats (repeat: "
                                + "\(DurationFormat.describe(repeatEvery)))")
        }
        return fault
    }
}
