/// One metric of a received command (NCMD/DCMD), as far as otsentry needs it.
public struct CommandMetric: Sendable, Hashable {
    public var name: String?
    public var alias: UInt64?
    public var datatype: UInt32?
    /// The `boolean_value`, when the metric carries one.
    public var boolean: Bool?

    public init(name: String? = nil, alias: UInt64? = nil, datatype: UInt32? = nil, boolean: Bool? = nil) {
        self.name = name
        self.alias = alias
        self.datatype = datatype
        self.boolean = boolean
    }

    /// `Node Control/Rebirth` set to true: the host asks for every birth again.
    public var isRebirthRequest: Bool { self.isRebirthRequest(alias: nil) }

    /// The same, also recognising the metric by `alias` alone (as the edge node's NBIRTH gave it).
    public func isRebirthRequest(alias: UInt64?) -> Bool {
        self.boolean == true
            && (self.name == "Node Control/Rebirth" || (self.name == nil && alias != nil && self.alias == alias))
    }

    /// The metrics of a command payload. Malformed bytes are an error (the command is refused and counted).
    public static func decode(_ payload: [UInt8]) throws(ProtobufError) -> [CommandMetric] {
        var metrics: [CommandMetric] = []
        var reader = ProtobufReader(payload[...])
        while let (field, value) = try reader.next() {
            guard field == 2, case .bytes(let body) = value else { continue }
            var metric = CommandMetric()
            var r = ProtobufReader(body)
            while let (f, v) = try r.next() {
                switch (f, v) {
                case (1, .bytes(let b)):
                    guard let text = String(validating: b, as: UTF8.self) else { throw .malformed("metric name is not UTF-8") }
                    metric.name = text
                case (2, .varint(let a)): metric.alias = a
                case (4, .varint(let t)): metric.datatype = UInt32(truncatingIfNeeded: t)
                case (14, .varint(let b)): metric.boolean = b != 0
                default: break
                }
            }
            metrics.append(metric)
            if metrics.count > 4096 { throw .malformed("more than 4096 metrics in a command") }
        }
        return metrics
    }
}
