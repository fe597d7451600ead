/// Encodes Sparkplug B payloads (`Payload` of `sparkplug_b.proto`, proto2) into a reused buffer.
///
/// Field numbers, from the specification's `sparkplug_b.proto`: Payload `timestamp` 1, `metrics` 2, `seq` 3;
/// Metric `name` 1, `alias` 2, `timestamp` 3, `datatype` 4, `is_historical` 5, `is_null` 7, `properties` 9, and the
/// value in 10 to 15 (see ``SparkplugDataType/valueField``); PropertySet `keys` 1, `values` 2; PropertyValue `type`
/// 1, `is_null` 2, `int_value` 3.
///
/// Payloads that go through the spool are encoded without `seq`: it is appended when the message is sent
/// (``PayloadRewriter``), as field order does not matter in protobuf.
public struct PayloadEncoder: Sendable {
    public private(set) var writer: ProtobufWriter

    /// OPC quality codes carried in the `Quality` property (the convention of Ignition and other hosts).
    public static let qualityBad: Int32 = 0
    public static let qualityGood: Int32 = 192

    public init(capacity: Int = 1024) {
        self.writer = ProtobufWriter(capacity: capacity)
    }

    public var bytes: [UInt8] { self.writer.bytes }

    /// Starts a payload with its timestamp (milliseconds since the Unix epoch, UTC).
    public mutating func begin(timestamp: UInt64) {
        self.writer.reset()
        self.writer.uint64(1, timestamp)
    }

    /// Adds a metric. Births give the name, alias and datatype; data gives the alias only (and the datatype, which
    /// the encoder needs to convert the value, is not written).
    public mutating func metric(name: String? = nil, alias: UInt64, timestamp: UInt64? = nil,
                                datatype: SparkplugDataType, writeDatatype: Bool, value: MetricValue,
                                historical: Bool = false)
    {
        self.writer.beginMessage(2)
        if let name { self.writer.string(1, name) }
        self.writer.uint64(2, alias)
        if let timestamp { self.writer.uint64(3, timestamp) }
        if writeDatatype { self.writer.uint64(4, UInt64(datatype.rawValue)) }
        if historical { self.writer.bool(5, true) }
        switch value {
        case .null(let quality):
            self.writer.bool(7, true)
            if let quality { self.quality(quality) }
        case .text(let text):
            self.writer.string(15, text)
        case .number(let v):
            self.number(v, as: datatype)
        }
        self.writer.endMessage()
    }

    /// A metric of the Edge Node's own (NBIRTH/NDEATH: `bdSeq`, `Node Control/Rebirth`), by name.
    public mutating func nodeMetric(name: String, alias: UInt64? = nil, timestamp: UInt64? = nil,
                                    datatype: SparkplugDataType, value: MetricValue) {
        self.writer.beginMessage(2)
        self.writer.string(1, name)
        if let alias { self.writer.uint64(2, alias) }
        if let timestamp { self.writer.uint64(3, timestamp) }
        self.writer.uint64(4, UInt64(datatype.rawValue))
        switch value {
        case .null: self.writer.bool(7, true)
        case .text(let text): self.writer.string(15, text)
        case .number(let v): self.number(v, as: datatype)
        }
        self.writer.endMessage()
    }

    /// Marks a payload bound for the spool with the metric table it was encoded against, in the `uuid` field
    /// (which Sparkplug leaves to the application); ``PayloadRewriter`` takes it out again when the record is sent.
    public mutating func mark(_ table: String) {
        self.writer.string(4, table)
    }

    /// Ends the payload, with `seq` when given (NDEATH has none; spooled data gets its own when sent).
    public mutating func finish(seq: UInt64?) {
        if let seq { self.writer.uint64(3, seq) }
    }

    private mutating func quality(_ code: Int32) {
        self.writer.beginMessage(9)
        self.writer.string(1, "Quality")
        self.writer.beginMessage(2)
        self.writer.uint64(1, UInt64(SparkplugDataType.int32.rawValue))
        self.writer.uint64(3, UInt64(UInt32(bitPattern: code)))
        self.writer.endMessage()
        self.writer.endMessage()
    }

    private mutating func number(_ v: Double, as datatype: SparkplugDataType) {
        switch datatype {
        case .float:
            self.writer.float(12, Float(v))
        case .double:
            self.writer.double(13, v)
        case .boolean:
            self.writer.bool(14, v != 0)
        case .string:
            self.writer.string(15, "\(v)")
        default:
            self.writer.uint64(datatype.valueField, Self.integerBits(v, datatype))
        }
    }

    /// An integer value as Sparkplug carries it: unsigned in the type's width, negative values in two's complement
    /// of that width (Int16 -1 is 65535). Out-of-range values saturate.
    static func integerBits(_ v: Double, _ datatype: SparkplugDataType) -> UInt64 {
        let bits = datatype.integerBits
        let r = v.rounded()
        let signed = datatype == .int8 || datatype == .int16 || datatype == .int32 || datatype == .int64
        if signed {
            let lo = -Double(sign: .plus, exponent: bits - 1, significand: 1)
            let hi = -lo
            let i: Int64 = r.isNaN ? 0 : r <= lo ? Int64.min >> (64 - bits) : r >= hi ? Int64.max >> (64 - bits) : Int64(r)
            let mask: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
            return UInt64(bitPattern: i) & mask
        }
        let hi = Double(sign: .plus, exponent: bits, significand: 1)
        if r.isNaN || r <= 0 { return 0 }
        if r >= hi { return bits == 64 ? .max : (1 << UInt64(bits)) - 1 }
        return UInt64(r)
    }
}

extension PayloadEncoder {
    /// ``integerBits(_:_:)`` for the tests.
    public static func integerBitsForTests(_ v: Double, _ datatype: SparkplugDataType) -> UInt64 {
        self.integerBits(v, datatype)
    }
}
