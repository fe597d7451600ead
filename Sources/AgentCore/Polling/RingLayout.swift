import BoardFile
import Detectors

/// The ring memory a device preallocates: one 4-byte sample per channel sample (``SampleRing``, which the
/// channel's detectors share), plus one shared `Int64` monotonic timestamp per cycle of each poll group (as many as the largest window in the group). The agent allocates
/// exactly this; `otsentry check` reports it.
public enum RingLayout {
    /// Timestamp ring capacity of each group of the plan.
    public static func timestampCapacities(_ device: DeviceDefinition, plan: ReadPlan) -> [Int] {
        plan.groups.map { group in
            group.requests.flatMap(\.channels).map { device.channels[$0].window }.max() ?? 1
        }
    }

    public static func bytes(_ device: DeviceDefinition) -> Int {
        let plan = ReadPlanner.plan(device)
        return device.channels.reduce(0) { $0 + SampleRing.storageBytes(capacity: $1.window) }
            + self.timestampCapacities(device, plan: plan).reduce(0) { $0 + RingBuffer<Int64>.storageBytes(capacity: $1) }
    }

    public static func bytes(_ board: Board) -> Int {
        board.devices.reduce(0) { $0 + self.bytes($1) }
    }
}
