import BoardFile
import Registers
import Sparkplug
import Synchronization

/// One Modbus device as a Sparkplug Device: its metrics (names, aliases, datatypes, fixed from the board), the
/// current values that births carry, and the report-by-exception state of its bus thread.
///
/// Metrics, in alias order: per channel `<channel>` (the engineering value), then for numeric channels
/// `<channel>/mean`, `/min`, `/max`, `/std` (Double, of the summary interval), `<channel>/score` (Double, with a
/// score detector), `<channel>/alert/<detector>` (Boolean, per configured detector) and `<channel>/alert/<role>`
/// (Boolean, integrity roles); then the device's own `alert/identity`, `alert/mode` (identity watch) and
/// `alert/latency`, `alert/timeouts`, `alert/exceptions` (link watch).
final class SparkplugDevice: @unchecked Sendable {
    struct Metric {
        let name: String
        let datatype: SparkplugDataType
    }

    let id: String
    let dataTopic: String
    let birthTopic: String
    let deathTopic: String
    let metrics: [Metric]
    /// The metric table (names, datatypes, aliases) as a fingerprint: spooled records carry it, so that records
    /// spooled under another table (a board change) are never sent with aliases that now name other metrics.
    let tableFingerprint: String
    /// Alias of `metrics[0]`; metric `i` has alias `aliasBase + i` (unique across the edge node).
    let aliasBase: UInt64
    /// Per channel: index of its value metric, of its `mean` (followed by min, max, std; -1: none), of its score.
    let valueIndex: [Int]
    let summaryIndex: [Int]
    let scoreIndex: [Int]
    /// Alert metrics by name (`<channel>/alert/<rule>` or `alert/<rule>`).
    let alertIndex: [String: Int]
    let deadbands: [Double]

    /// Current values for births (NaN: null), shared between the bus thread and the sender thread.
    private let current: Mutex<(values: [Double], texts: [Int: String])>

    // Bus thread only.
    /// Born for the host: the device answers (all or part of its requests). False after a DDEATH.
    var alive = false
    /// Per channel, the value last sent (NaN: null), for report by exception.
    var reported: [Double]
    /// Per `string` channel: the registers last decoded, and the text sent by exception when they change.
    var stringWords: [Int: [UInt16]] = [:]
    /// Per `string` channel: a change to send by exception (nil: the read failed).
    var changedText: [Int: String?] = [:]
    var encoder = PayloadEncoder(capacity: 4096)

    init(_ definition: DeviceDefinition, aliasBase: UInt64, topics: SparkplugTopics) {
        self.id = definition.id
        self.dataTopic = topics.deviceData(definition.id)
        self.birthTopic = topics.deviceBirth(definition.id)
        self.deathTopic = topics.deviceDeath(definition.id)
        self.aliasBase = aliasBase
        var metrics: [Metric] = []
        var valueIndex: [Int] = [], summaryIndex: [Int] = [], scoreIndex: [Int] = []
        var alertIndex: [String: Int] = [:]
        for channel in definition.channels {
            valueIndex.append(metrics.count)
            metrics.append(Metric(name: channel.id, datatype: Self.datatype(channel)))
            let numeric = channel.type != .string
            if numeric {
                summaryIndex.append(metrics.count)
                for stat in ["mean", "min", "max", "std"] {
                    metrics.append(Metric(name: "\(channel.id)/\(stat)", datatype: .double))
                }
            } else {
                summaryIndex.append(-1)
            }
            let kinds = numeric ? channel.detectors.kinds : []
            if kinds.contains(.score) {
                scoreIndex.append(metrics.count)
                metrics.append(Metric(name: "\(channel.id)/score", datatype: .double))
            } else {
                scoreIndex.append(-1)
            }
            var rules = kinds.map(\.rawValue)
            if let role = channel.role { rules.append(role.rawValue) }
            for rule in rules {
                alertIndex["\(channel.id)/alert/\(rule)"] = metrics.count
                metrics.append(Metric(name: "\(channel.id)/alert/\(rule)", datatype: .boolean))
            }
        }
        var deviceRules: [String] = []
        if definition.identity { deviceRules += ["identity", "mode"] }
        if definition.link.enabled { deviceRules += ["latency", "timeouts", "exceptions"] }
        for rule in deviceRules {
            alertIndex["alert/\(rule)"] = metrics.count
            metrics.append(Metric(name: "alert/\(rule)", datatype: .boolean))
        }
        self.metrics = metrics
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a 64
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        for b in "\(aliasBase)".utf8 { mix(b) }
        for metric in metrics {
            for b in metric.name.utf8 { mix(b) }
            mix(0)
            mix(UInt8(metric.datatype.rawValue))
        }
        self.tableFingerprint = String(hash, radix: 16)
        self.valueIndex = valueIndex
        self.summaryIndex = summaryIndex
        self.scoreIndex = scoreIndex
        self.alertIndex = alertIndex
        self.deadbands = definition.channels.map(\.deadband)
        var values = [Double](repeating: .nan, count: metrics.count)
        for index in alertIndex.values { values[index] = 0 }
        self.current = Mutex((values, [:]))
        self.reported = [Double](repeating: .nan, count: definition.channels.count)
    }

    /// The Sparkplug datatype of a channel's value: the register type when the value is not scaled, Double when
    /// it is; bits and coils are Boolean, strings String.
    static func datatype(_ channel: ChannelDefinition) -> SparkplugDataType {
        switch channel.type {
        case .bool, .bit: return .boolean
        case .string: return .string
        default: break
        }
        guard channel.scaling.isIdentity else { return .double }
        switch channel.type {
        case .int8: return .int8
        case .uint8: return .uint8
        case .int16: return .int16
        case .uint16: return .uint16
        case .int32: return .int32
        case .uint32: return .uint32
        case .int64: return .int64
        case .uint64: return .uint64
        case .float16, .float32: return .float
        default: return .double
        }
    }

    var metricCount: Int { self.metrics.count }

    /// Takes over the state of the device this one replaces (reload): its liveness always; its current values
    /// and report-by-exception state when the metric table is the same, else the values of the channels the new
    /// runtime kept (`values`: per channel, NaN when unknown).
    func adopt(_ old: SparkplugDevice, channelValues values: [Double]) {
        self.alive = old.alive
        guard self.tableFingerprint == old.tableFingerprint else {
            self.current.withLock { c in
                for (i, v) in values.enumerated() where self.metrics[self.valueIndex[i]].datatype != .string {
                    c.values[self.valueIndex[i]] = v
                }
            }
            return
        }
        let current = old.current.withLock { $0 }
        self.current.withLock { $0 = current }
        self.reported = old.reported
        self.stringWords = old.stringWords
        self.changedText = old.changedText
    }

    /// Records current values (bus thread) for the next birth.
    func setCurrent(_ body: (inout [Double], inout [Int: String]) -> Void) {
        self.current.withLock { c in body(&c.values, &c.texts) }
    }

    /// A DBIRTH payload: every metric with name, alias, datatype and current value (null with the `Quality`
    /// property Bad for a channel whose last read failed or that was not read yet).
    func birthPayload(timestamp: UInt64, seq: UInt64) -> [UInt8] {
        var encoder = PayloadEncoder(capacity: 64 * self.metrics.count + 64)
        encoder.begin(timestamp: timestamp)
        self.current.withLock { c in
            let isValue = Set(self.valueIndex)
            for (i, metric) in self.metrics.enumerated() {
                let value: MetricValue
                if metric.datatype == .string {
                    value = c.texts[i].map { .text($0) } ?? .null(quality: PayloadEncoder.qualityBad)
                } else if c.values[i].isNaN {
                    value = .null(quality: isValue.contains(i) ? PayloadEncoder.qualityBad : nil)
                } else {
                    value = .number(c.values[i])
                }
                encoder.metric(name: metric.name, alias: self.aliasBase + UInt64(i), timestamp: timestamp,
                               datatype: metric.datatype, writeDatatype: true, value: value)
            }
        }
        encoder.finish(seq: seq)
        return encoder.bytes
    }
}
