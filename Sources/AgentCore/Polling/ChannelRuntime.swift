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
    /// Samples are float32 readings (unscaled): statistics are printed at float32 precision.
    let singlePrecision: Bool
    /// Ring of engineering values, one per cycle of its group (NaN when the read failed).
    let ring: RingBuffer<Double>
    /// The last registers read, for strings (their text is built only when a summary is written).
    let lastWords: UnsafeMutableBufferPointer<UInt16>
    /// Statistics of the current summary interval.
    var summary = RunningSummary()
    /// The channel's last read failed.
    var lastFailed = false

    init(_ definition: ChannelDefinition, group: Int) {
        self.id = definition.id
        self.unit = definition.unit
        self.codec = definition.codec
        self.scaling = definition.scaling
        self.group = group
        self.singlePrecision = definition.type == .float32 && definition.scaling.isIdentity
        self.ring = RingBuffer(capacity: definition.window, initial: .nan)
        self.lastWords = .allocate(capacity: definition.type == .string ? definition.length : 0)
        self.lastWords.initialize(repeating: 0)
    }

    var isString: Bool { self.codec.type == .string }

    var quality: ChannelQuality {
        if self.lastFailed { return .bad }
        return self.summary.count > 0 ? .good : .stale
    }

    func release() { self.lastWords.deallocate() }
}
