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
    var nextPoll: Int64

    init(_ group: ReadPlan.Group, channels: [ChannelDefinition], timestampCapacity: Int) {
        self.interval = group.interval.nanoseconds
        self.requests = group.requests
        self.offsets = group.requests.map { request in
            request.channels.map { channels[$0].address - request.address }
        }
        self.timestamps = RingBuffer(capacity: timestampCapacity, initial: 0)
        self.nextPoll = MonotonicClock.now()
    }
}
