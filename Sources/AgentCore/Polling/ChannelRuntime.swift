import BoardFile
import Detectors
import Registers

/// The live state of one channel: how to decode it and the memory it fills, all allocated at start-up.
struct ChannelRuntime {
    let id: String
    let unit: String
    let codec: ValueCodec
    let scaling: Scaling
    /// Index of the poll group (interval) that reads the channel.
    let group: Int
    /// Ring of engineering values, one per cycle of its group (NaN when the read failed), 4 bytes a sample; the
    /// detector bank's history is this same ring (samples are stored once). Filled through ``record(_:at:)``.
    private(set) var ring: SampleRing
    /// The last registers read: for strings (their text is built only when a summary is written), and for every
    /// register channel when the raw contents are shown (`otsentry poll`).
    let lastWords: UnsafeMutableBufferPointer<UInt16>
    /// Monotonic time of the last good sample (0: none yet), and its value.
    var lastGood: Int64 = 0
    var lastValue = Double.nan
    /// Statistics of the current summary interval.
    var summary = RunningSummary()
    /// The channel's detectors (nil when it has none).
    var bank: DetectorBank?
    /// The highest anomaly score of the interval.
    var maxScore = 0.0
    /// Integrity role, its watch and the retained topic of its alert (`.../<channel>/alert/<role>`).
    let role: ChannelRole?
    var parameter = ParameterWatch()
    /// The baseline as text, for string channels (their samples are hashes).
    var baselineText: String?
    let roleTopic: String
    // The one-byte fields last, together (no padding after each).
    /// Samples are float32 readings (unscaled): statistics are printed at float32 precision.
    let singlePrecision: Bool
    let keepsWords: Bool
    /// The channel's last read failed.
    var lastFailed = false
    /// A read of the channel was attempted in the current summary interval.
    var attempted = false

    init(_ definition: ChannelDefinition, group: Int, captureRaw: Bool = false, events: AlertEventScratch? = nil,
         roleTopic: (ChannelRole?) -> String = { _ in "" }) {
        self.id = definition.id
        self.unit = definition.unit
        self.codec = definition.codec
        self.scaling = definition.scaling
        self.group = group
        self.singlePrecision = definition.type == .float32 && definition.scaling.isIdentity
        let ring = SampleRing(capacity: definition.window)
        self.ring = ring
        // Strings hash to a number that only changes; statistical detectors make no sense on them.
        self.bank = definition.detectors.isEmpty || definition.type == .string
            ? nil : DetectorBank(definition.detectors, window: definition.window, history: ring, events: events)
        self.role = definition.role
        self.roleTopic = roleTopic(definition.role)
        self.keepsWords = !definition.table.holdsBits && (captureRaw || definition.type == .string)
        if self.keepsWords {
            self.lastWords = .allocate(capacity: definition.width)
            self.lastWords.initialize(repeating: 0)
        } else {
            self.lastWords = UnsafeMutableBufferPointer(start: nil, count: 0)  // no allocation (deallocate: no-op)
        }
    }

    var isString: Bool { self.codec.type == .string }

    /// The channel has detectors: its samples go through its device's pending batch (see ``PendingSamples``).
    var hasDetectors: Bool { self.bank != nil }

    /// Bad when a read in the interval failed last; good when the interval has samples; stale otherwise (no
    /// read in the interval: device degraded or unreachable, or a poll interval longer than the summary's).
    var quality: ChannelQuality {
        if self.attempted && self.lastFailed { return .bad }
        return self.summary.count > 0 ? .good : .stale
    }

    func release() { self.lastWords.deallocate() }

    /// Stores one sample (NaN: the read failed) in the ring and feeds it to the detectors; returns the number of
    /// detector events (read them from `bank.events`). Mutating so that it runs on the channel in place (a
    /// non-mutating call on an array element copies the struct: a retain and release of each of its references).
    @inline(__always)
    mutating func record(_ value: Double, at t: Double) -> Int {
        guard let bank = self.bank else {
            self.ring.push(value)
            return 0
        }
        let events = bank.update(value, at: t)
        if bank.history !== self.ring { self.ring.push(value) }  // a window too short to share
        return events
    }

    /// Takes over another runtime's learnt state (same channel, same detectors) after a reload: ring, detectors,
    /// and the statistics of the current interval.
    mutating func adopt(_ other: ChannelRuntime) {
        if other.bank != nil {
            self.ring = other.ring  // the bank's history: both move together
        } else {
            for age in stride(from: other.ring.count - 1, through: 0, by: -1) { self.ring.push(other.ring[age: age]) }
        }
        self.bank = other.bank
        self.summary = other.summary
        self.maxScore = other.maxScore
        self.lastGood = other.lastGood
        self.lastValue = other.lastValue
        if self.role == other.role {
            self.parameter = other.parameter
            self.baselineText = other.baselineText
        }
    }
}
