import BoardFile
import Detectors

/// The ring memory a device preallocates: one `Double` per channel sample, plus one shared `Int64` monotonic
/// timestamp per poll cycle (as many as the largest channel window). The agent allocates exactly this; `otsentry
/// check` reports it.
public enum RingLayout {
    public static func timestampCapacity(_ device: DeviceDefinition) -> Int {
        device.channels.map(\.window).max() ?? 1
    }

    public static func bytes(_ device: DeviceDefinition) -> Int {
        device.channels.reduce(0) { $0 + RingBuffer<Double>.storageBytes(capacity: $1.window) }
            + RingBuffer<Int64>.storageBytes(capacity: self.timestampCapacity(device))
    }

    public static func bytes(_ board: Board) -> Int {
        board.devices.reduce(0) { $0 + self.bytes($1) }
    }
}
