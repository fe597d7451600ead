import Registers
import YAML

/// Turns a parsed YAML tree into a ``Board``, collecting every problem on the way.
struct BoardReader {
    let sink: DiagnosticSink

    static let topKeys = ["gateway", "mqtt", "summary_interval", "devices"]
    static let mqttKeys = ["url", "topic_prefix", "qos", "client_id"]
    static let deviceKeys = ["id", "tcp", "unit", "poll_interval", "timeout", "channels"]
    static let channelKeys = ["id", "table", "address", "type", "order", "scale", "offset", "unit", "window",
                              "simulate"]
    static let simulateKeys = ["level", "noise", "cycle", "amplitude", "repeat", "seed", "faults"]
    static let faultKeys = ["kind", "at", "for", "magnitude", "value"]

    /// Resource bounds on what a board may declare.
    static let maxDevices = 256
    static let maxChannelsPerDevice = 4096
    static let maxRingBytes = 256 << 20

    func read(_ root: YAMLNode) -> Board? {
        guard let top = MappingReader(root, path: "", sink: self.sink) else { return nil }
        top.finish(known: Self.topKeys)
        let gateway = top.identifier("gateway", required: true)?.0
        let mqtt = top.node("mqtt", required: true).flatMap { self.readMQTT($0, gateway: gateway) }
        let summaryInterval = top.duration("summary_interval", in: .milliseconds(100)...(.seconds(86400)))
            ?? Board.defaultSummaryInterval
        var devices: [DeviceDefinition] = []
        if let seq = top.sequence("devices", required: true) {
            if seq.items.isEmpty {
                self.sink.error(seq.mark, "devices", "at least one device is required")
            } else if seq.items.count > Self.maxDevices {
                self.sink.error(seq.mark, "devices", "\(seq.items.count) devices exceed the limit of \(Self.maxDevices)")
            }
            var firstByID: [String: Int] = [:]
            for (index, item) in seq.items.prefix(Self.maxDevices).enumerated() {
                guard let device = self.readDevice(item, path: "devices[\(index)]") else { continue }
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
        return Board(gateway: gateway, mqtt: mqtt, summaryInterval: summaryInterval, devices: devices,
                     file: self.sink.file)
    }

    func readMQTT(_ node: YAMLNode, gateway: String?) -> BrokerSettings? {
        guard let m = MappingReader(node, path: "mqtt", sink: self.sink) else { return nil }
        m.finish(known: Self.mqttKeys)
        var endpoint: Endpoint?
        let url = m.string("url", required: true)
        if let (text, mark) = url {
            if text.hasPrefix("mqtt://") {
                switch Endpoint.parse(String(text.dropFirst(7)), defaultPort: BrokerSettings.defaultPort) {
                case .success(let e): endpoint = e
                case .failure(let e): self.sink.error(mark, "mqtt.url", e.message)
                }
            } else if text.hasPrefix("mqtts://") {
                self.sink.error(mark, "mqtt.url", "mqtts:// (TLS) is not supported by this version; use mqtt://")
            } else {
                self.sink.error(mark, "mqtt.url", "expected mqtt://HOST[:PORT], found \"\(text)\"")
            }
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
        guard let (urlText, _) = url, let endpoint else { return nil }
        return BrokerSettings(url: urlText, endpoint: endpoint, topicPrefix: prefix, qos: qos, clientID: clientID)
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

    func readDevice(_ node: YAMLNode, path: String) -> DeviceDefinition? {
        guard let m = MappingReader(node, path: path, sink: self.sink) else { return nil }
        m.finish(known: Self.deviceKeys)
        let id = m.identifier("id", required: true)?.0
        var transport: Transport?
        if let (text, mark) = m.string("tcp", required: true) {
            switch Endpoint.parse(text, defaultPort: Transport.defaultTCPPort) {
            case .success(let e): transport = .tcp(e)
            case .failure(let e): self.sink.error(mark, m.child("tcp"), e.message)
            }
        }
        let unit = m.integer("unit", in: 0...255) ?? DeviceDefinition.defaultUnit
        let pollInterval = m.duration("poll_interval", in: .milliseconds(10)...(.seconds(3600)))
            ?? DeviceDefinition.defaultPollInterval
        let timeout = m.duration("timeout", in: .milliseconds(10)...(.seconds(60))) ?? DeviceDefinition.defaultTimeout
        var channels: [ChannelDefinition] = []
        if let seq = m.sequence("channels", required: true) {
            if seq.items.isEmpty {
                self.sink.error(seq.mark, m.child("channels"), "at least one channel is required")
            } else if seq.items.count > Self.maxChannelsPerDevice {
                self.sink.error(seq.mark, m.child("channels"),
                                "\(seq.items.count) channels exceed the limit of \(Self.maxChannelsPerDevice)")
            }
            var indexByID: [String: Int] = [:]
            var indexOf: [ChannelDefinition: Int] = [:]
            for (index, item) in seq.items.prefix(Self.maxChannelsPerDevice).enumerated() {
                let channelPath = m.child("channels[\(index)]")
                guard let channel = self.readChannel(item, path: channelPath) else { continue }
                if let first = indexByID[channel.id] {
                    self.sink.error(channel.mark, channelPath + ".id",
                                    "duplicate channel id \"\(channel.id)\" (also \(m.child("channels[\(first)]")))")
                } else {
                    indexByID[channel.id] = index
                }
                indexOf[channel] = index
                channels.append(channel)
            }
            self.checkOverlaps(channels, indexOf: indexOf, devicePath: m.child("channels"))
        }
        guard let id, let transport else { return nil }
        return DeviceDefinition(id: id, transport: transport, unit: unit, pollInterval: pollInterval,
                                timeout: timeout, channels: channels, mark: m.mapping.mark)
    }

    /// Two channels may not share a register (or bit) of the same table.
    func checkOverlaps(_ channels: [ChannelDefinition], indexOf: [ChannelDefinition: Int], devicePath: String) {
        for table in RegisterTable.allCases {
            let sorted = channels.filter { $0.table == table }.sorted { $0.address < $1.address }
            var reach: ChannelDefinition?
            for channel in sorted {
                if let previous = reach, previous.addresses.overlaps(channel.addresses) {
                    let index = indexOf[channel] ?? 0
                    self.sink.error(channel.mark, "\(devicePath)[\(index)].address",
                                    "\(Self.describe(channel)) overlaps channel \"\(previous.id)\" "
                                        + "(\(Self.describe(previous)))")
                }
                if reach == nil || channel.addresses.upperBound > reach!.addresses.upperBound { reach = channel }
            }
        }
    }

    static func describe(_ c: ChannelDefinition) -> String {
        let noun = c.table.holdsBits ? "bit" : "register"
        return c.width == 1 ? "\(c.table) \(noun) \(c.address)"
            : "\(c.table) \(noun)s \(c.address)..\(c.addresses.upperBound - 1)"
    }

    func readChannel(_ node: YAMLNode, path: String) -> ChannelDefinition? {
        guard let m = MappingReader(node, path: path, sink: self.sink) else { return nil }
        m.finish(known: Self.channelKeys)
        let id = m.identifier("id", required: true)?.0
        let table = m.choice("table", RegisterTable.self, required: true)
        let address = m.integer("address", in: 0...65535, required: true)
        var type = m.choice("type", DataType.self)
        if type == nil, m.node("type") == nil, let table { type = table.holdsBits ? .bool : .uint16 }
        let order = m.choice("order", ByteOrder.self) ?? .ABCD
        let scale = m.number("scale") ?? 1
        if scale == 0, let s = m.scalar("scale") { self.sink.error(s.mark, m.child("scale"), "must not be 0") }
        let offset = m.number("offset") ?? 0
        let unit = m.string("unit", maxLength: ChannelDefinition.maxUnitLength)?.0 ?? ""
        let window = m.integer("window", in: 2...ChannelDefinition.maxWindow) ?? ChannelDefinition.defaultWindow
        let simulation = m.node("simulate").flatMap { self.readSimulation($0, path: m.child("simulate")) }

        if let table, let type, table.holdsBits, !type.fitsBitTable {
            let s = m.scalar("type")
            self.sink.error(s?.mark ?? m.mapping.mark, m.child("type"),
                            "type \(type.rawValue) cannot be read from the \(table.rawValue) table (bits only: use bool)")
        }
        if let address, let type, let table, !table.holdsBits, address + type.registerCount - 1 > 65535 {
            let s = m.scalar("address")
            self.sink.error(s?.mark ?? m.mapping.mark, m.child("address"),
                            "\(type.rawValue) at \(address) would end past register 65535")
        }
        guard let id, let table, let address, let type, scale != 0 else { return nil }
        return ChannelDefinition(id: id, table: table, address: address, type: type, order: order,
                                 scaling: Scaling(scale: scale, offset: offset), unit: unit, window: window,
                                 simulation: simulation, mark: m.mapping.mark)
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
        let fault = FaultDefinition(kind: kind, at: at, duration: duration, magnitude: magnitude, value: value)
        if let repeatEvery, at + (fault.effectiveDuration ?? .zero) > repeatEvery {
            self.sink.error(m.mapping.mark, path, "the fault ends after the schedule repeats (repeat: "
                                + "\(DurationFormat.describe(repeatEvery)))")
        }
        return fault
    }
}
