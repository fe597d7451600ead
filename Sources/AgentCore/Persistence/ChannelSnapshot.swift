import BoardFile
import Detectors
import Posix

/// The recent samples of one channel, kept across a restart or a reload so that its detectors resume with what
/// they had learnt instead of starting from zero (and raising false alerts during a new warm-up).
///
/// Detector state is rebuilt by replaying these samples, in order, through a fresh bank: every detector is a
/// deterministic function of the samples it saw, so this restores it up to what is older than the ring.
struct ChannelSnapshot: Sendable, Hashable {
    var device: String
    var channel: String
    /// What the samples mean (transport, unit, address, type, scaling…): samples are reused only when it matches.
    var fingerprint: UInt64
    /// Sample times, seconds since the Unix epoch, oldest first; and the values (NaN: a failed read).
    var times: [Double]
    var values: [Double]

    /// The channels of a device as they are now (call on the bus thread, or once it has stopped).
    static func take(_ device: DeviceRuntime) -> [ChannelSnapshot] {
        let monoToWall = Double(WallClock.nowMilliseconds()) / 1000 - Double(MonotonicClock.now()) / 1e9
        return device.channels.indices.map { i in
            let channel = device.channels[i]
            let ring = channel.ring
            let stamps = device.groups[channel.group].timestamps
            let count = min(ring.count, stamps.count)
            var times: [Double] = []
            var values: [Double] = []
            times.reserveCapacity(count)
            values.reserveCapacity(count)
            for age in stride(from: count - 1, through: 0, by: -1) {
                times.append(Double(stamps[age: age]) / 1e9 + monoToWall)
                values.append(ring[age: age])
            }
            return ChannelSnapshot(device: device.definition.id, channel: channel.id,
                                   fingerprint: Self.fingerprint(device.definition, device.definition.channels[i]),
                                   times: times, values: values)
        }
    }

    /// Streams the channels of a device into a snapshot file, straight from their rings (no copy).
    static func write(_ device: DeviceRuntime, into writer: SnapshotWriter) {
        let monoToWall = Double(WallClock.nowMilliseconds()) / 1000 - Double(MonotonicClock.now()) / 1e9
        for i in device.channels.indices {
            let channel = device.channels[i]
            let ring = channel.ring
            let stamps = device.groups[channel.group].timestamps
            let count = min(ring.count, stamps.count)
            writer.channel(device: device.definition.id, channel: channel.id,
                           fingerprint: Self.fingerprint(device.definition, device.definition.channels[i]),
                           count: count) { k in
                let age = count - 1 - k
                return (Double(stamps[age: age]) / 1e9 + monoToWall, ring[age: age])
            }
        }
    }

    /// Replays the samples into channel `index` of `device` (ring and detectors; detector events are not
    /// published: they happened before). Returns the number of samples restored.
    @discardableResult
    func restore(into device: DeviceRuntime, channel index: Int) -> Int {
        Self.restore(into: device, channel: index, count: self.values.count) { (self.times[$0], self.values[$0]) }
    }

    @discardableResult
    static func restore(into device: DeviceRuntime, channel index: Int, count: Int,
                        sample: (Int) -> (time: Double, value: Double)) -> Int {
        let wallToMono = Double(MonotonicClock.now()) / 1e9 - Double(WallClock.nowMilliseconds()) / 1000
        for i in 0..<count {
            let (t, x) = sample(i)
            _ = device.channels[index].record(x, at: t + wallToMono)
        }
        return count
    }

    /// FNV-1a over what makes two channels' samples comparable.
    static func fingerprint(_ device: DeviceDefinition, _ channel: ChannelDefinition) -> UInt64 {
        let text = "\(device.transport)|\(device.unit)|\(channel.table)|\(channel.address)|\(channel.type)|"
            + "\(channel.order)|\(channel.byte)|\(channel.bit)|\(channel.length)|\(channel.scaling.scale)|"
            + "\(channel.scaling.offset)"
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }
}
