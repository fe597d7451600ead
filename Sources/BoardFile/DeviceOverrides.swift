/// Device settings as one mapping gives them (a board's device, or a profile's `device:` defaults): nil where
/// the mapping is silent.
struct DeviceOverrides: Sendable, Hashable {
    var unit: Int?
    var pollInterval: Duration?
    var timeout: Duration?
    var retries: Int?
    var pauseAfterConnect: Duration?
    var pauseBetweenRequests: Duration?
    var maxGap: Int?
    var maxRegisters: Int?
    var maxBits: Int?
    var degradeAfter: Int?
    var degradeFor: Duration?
    var detectionLatency: Duration?
    var identity: Bool?
    var identityInterval: Duration?
}
