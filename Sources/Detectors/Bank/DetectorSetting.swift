/// One detector of a channel's bank: its parameters, its alert policy and its warm-up.
public struct DetectorSetting<Parameters: Sendable & Hashable>: Sendable, Hashable {
    public var parameters: Parameters
    public var policy: AlertPolicy
    /// Samples learnt from before the detector may raise its condition.
    public var warmup: Int

    public init(_ parameters: Parameters, policy: AlertPolicy, warmup: Int = DetectorSetting.defaultWarmup) {
        self.parameters = parameters
        self.policy = policy
        self.warmup = warmup
    }

    public static var defaultWarmup: Int { 100 }
}
