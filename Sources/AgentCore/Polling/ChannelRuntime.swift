import BoardFile
import Detectors
import Registers

/// The live state of one channel: how to decode it and the memory it fills, all allocated at start-up.
struct ChannelRuntime {
    let id: String
    let unit: String
    let type: DataType
    let order: ByteOrder
    let scaling: Scaling
    /// Samples are float32 readings (unscaled): statistics are printed at float32 precision.
    let singlePrecision: Bool
    /// Ring of engineering values, one per poll cycle (NaN when the read failed).
    let ring: RingBuffer<Double>
    /// Statistics of the current summary interval.
    var summary = RunningSummary()

    init(_ definition: ChannelDefinition) {
        self.id = definition.id
        self.unit = definition.unit
        self.type = definition.type
        self.order = definition.order
        self.scaling = definition.scaling
        self.singlePrecision = definition.type == .float32 && definition.scaling.isIdentity
        self.ring = RingBuffer(capacity: definition.window, initial: .nan)
    }
}
