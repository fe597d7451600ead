import BoardFile

/// A device's channel ids as JSON member names (`"id":`) and their units as JSON strings (`"kWh"`), rendered and
/// escaped once, into one buffer, for the summary that writes them at every interval.
struct SummaryNames {
    private let bytes: [UInt8]
    /// Per channel, where its name and its unit start; the last entry is the end.
    private let starts: [Int32]

    init(_ channels: [ChannelDefinition]) {
        // Escaping can make a character 6 bytes (`\u001f`); 3 more for the quotes and the colon.
        let longest = channels.reduce(0) { max($0, $1.id.utf8.count, $1.unit.utf8.count) }
        let w = JSONWriter(capacity: 6 * longest + 3)
        var bytes: [UInt8] = []
        var starts: [Int32] = []
        starts.reserveCapacity(2 * channels.count + 1)
        for channel in channels {
            starts.append(Int32(bytes.count))
            w.reset()
            w.key(channel.id)
            bytes.append(contentsOf: w.bytes)
            starts.append(Int32(bytes.count))
            w.reset()
            w.string(channel.unit)
            bytes.append(contentsOf: w.bytes)
        }
        starts.append(Int32(bytes.count))
        self.bytes = bytes
        self.starts = starts
    }

    /// `"id":` of channel `index`.
    func withKey<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        self.with(2 * index, body)
    }

    /// `"unit"` of channel `index`.
    func withUnit<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        self.with(2 * index + 1, body)
    }

    private func with<R>(_ part: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        self.bytes.withUnsafeBytes { all in
            body(UnsafeRawBufferPointer(rebasing: all[Int(self.starts[part])..<Int(self.starts[part + 1])]))
        }
    }
}
