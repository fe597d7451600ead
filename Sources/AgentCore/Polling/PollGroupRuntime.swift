import BoardFile
import Detectors
import Posix

/// The requests of one device polled at one interval, with the shared timestamp ring of their channels.
struct PollGroupRuntime {
    let interval: Int64
    let requests: [ReadRequest]
    /// Offsets of each request's channels inside the request's buffer, parallel to `requests[i].channels`.
    let offsets: [[Int]]
    /// Monotonic time of each cycle of the group (pushed together with the channel rings, so ages match).
    let timestamps: RingBuffer<Int64>
    /// The samples waiting for the detectors of the group's channels.
    let pending: PendingSamples
    var nextPoll: Int64

    /// `detectionDepth`: cycles of samples the detectors may run on at once (1: after every cycle).
    init(_ group: ReadPlan.Group, channels: [ChannelDefinition], timestampCapacity: Int, detectionDepth: Int = 1) {
        self.interval = group.interval.nanoseconds
        self.requests = group.requests
        self.offsets = group.requests.map { request in
            request.channels.map { channels[$0].address - request.address }
        }
        self.timestamps = RingBuffer(capacity: timestampCapacity, initial: 0)
        self.pending = PendingSamples(depth: detectionDepth, channelsPerRequest: group.requests.map(\.channels.count))
        self.nextPoll = MonotonicClock.now()
    }
}
