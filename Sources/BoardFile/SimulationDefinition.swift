/// The `simulate:` section of a channel: the machine behaviour `otsentry simulate` serves for it. Values are in
/// engineering units (after scale and offset).
public struct SimulationDefinition: Sendable, Hashable {
    /// The value the signal moves around; default 0.
    public var level: Double
    /// Standard deviation of the Gaussian noise; default 0.
    public var noise: Double
    /// Period of a slow sine cycle added to the level (none by default).
    public var cycle: Duration?
    /// Amplitude of that cycle; default 0.
    public var amplitude: Double
    /// The fault schedule repeats with this period (none by default: each fault happens once).
    public var repeatEvery: Duration?
    /// Seed of the noise; default derived from the device and channel ids, so runs are reproducible.
    public var seed: UInt64?
    public var faults: [FaultDefinition]
    /// The text served for a `string` channel.
    public var text: String

    public init(level: Double = 0, noise: Double = 0, cycle: Duration? = nil, amplitude: Double = 0,
                repeatEvery: Duration? = nil, seed: UInt64? = nil, faults: [FaultDefinition] = [], text: String = "") {
        self.level = level
        self.noise = noise
        self.cycle = cycle
        self.amplitude = amplitude
        self.repeatEvery = repeatEvery
        self.seed = seed
        self.faults = faults
        self.text = text
    }
}
