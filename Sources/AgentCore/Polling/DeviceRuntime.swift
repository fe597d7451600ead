import BoardFile
import Detectors
import Logging
import Modbus
import Posix
import Registers

/// One device's compiled plan and live state: request buffers, channel rings, summary statistics and status.
/// Owned by its bus thread; nothing in the poll cycle allocates.
final class DeviceRuntime {
    let definition: DeviceDefinition
    let plan: ReadPlan
    let statusTopic: String
    let summaryTopic: String
    var channels: [ChannelRuntime]
    /// Offsets of each request's channels inside the request's buffer, parallel to `plan.requests[i].channels`.
    let slots: [[Int]]
    /// Monotonic time of each poll cycle, shared by the channel rings (pushed together, so ages match).
    let timestamps: RingBuffer<Int64>
    let words: UnsafeMutableBufferPointer<UInt16>
    let bits: UnsafeMutableBufferPointer<UInt8>
    let writer: JSONWriter

    var seq: Int64 = 0
    var intervalStartWall: Int64
    var nextPoll: Int64
    var nextSummary: Int64
    var state: DeviceState?
    var error: String?
    var timedOutCycles = 0

    let pollInterval: Int64
    let summaryInterval: Int64

    init(_ definition: DeviceDefinition, summaryInterval: Duration, topics: Topics) {
        self.definition = definition
        self.plan = ReadPlanner.plan(definition.channels)
        self.statusTopic = topics.deviceStatus(definition.id)
        self.summaryTopic = topics.summary(definition.id)
        self.channels = definition.channels.map(ChannelRuntime.init)
        self.slots = self.plan.requests.map { request in
            request.channels.map { definition.channels[$0].address - request.address }
        }
        self.timestamps = RingBuffer(capacity: RingLayout.timestampCapacity(definition), initial: 0)
        self.words = .allocate(capacity: 125)
        self.words.initialize(repeating: 0)
        self.bits = .allocate(capacity: 2000)
        self.bits.initialize(repeating: 0)
        // Bound of one summary: fixed part + per channel its escaped id and unit and 6 numbers of ≤ 24 bytes.
        let perChannel = definition.channels.reduce(0) { $0 + 6 * ($1.id.utf8.count + $1.unit.utf8.count) + 256 }
        self.writer = JSONWriter(capacity: 512 + perChannel)
        self.pollInterval = definition.pollInterval.nanoseconds
        self.summaryInterval = summaryInterval.nanoseconds
        let now = MonotonicClock.now()
        self.nextPoll = now
        self.nextSummary = now + self.summaryInterval
        self.intervalStartWall = WallClock.nowMilliseconds()
    }

    deinit {
        self.words.deallocate()
        self.bits.deallocate()
    }

    /// What one poll cycle came to.
    struct CycleResult {
        var failed = 0
        var timedOut = 0
        var firstError: ModbusError?
        var linkDown = false
    }

    /// Reads every request of the plan, decodes, and pushes one sample (NaN when its read failed) into every
    /// channel ring.
    func poll(_ connection: ModbusConnection) -> CycleResult {
        var result = CycleResult()
        connection.setUnit(self.definition.unit)
        self.timestamps.push(MonotonicClock.now())
        for (r, request) in self.plan.requests.enumerated() {
            if result.linkDown {
                self.pushMissing(request: r)
                continue
            }
            do throws(ModbusError) {
                if request.table.holdsBits {
                    try connection.readBits(request.table, address: request.address,
                                            into: UnsafeMutableBufferPointer(rebasing: self.bits[0..<request.count]))
                } else {
                    try connection.readRegisters(request.table, address: request.address,
                                                 into: UnsafeMutableBufferPointer(rebasing: self.words[0..<request.count]))
                }
            } catch {
                result.failed += 1
                if result.firstError == nil { result.firstError = error }
                switch error.kind {
                case .timedOut:
                    result.timedOut += 1
                    connection.flush()
                case .protocolViolation:
                    connection.flush()
                default:
                    break
                }
                if error.requiresReconnect { result.linkDown = true }
                self.pushMissing(request: r)
                continue
            }
            self.decode(request: r)
        }
        return result
    }

    private func decode(request r: Int) {
        let request = self.plan.requests[r]
        let offsets = self.slots[r]
        for (k, index) in request.channels.enumerated() {
            let offset = offsets[k]
            let type = self.channels[index].type
            var value: Double
            if request.table.holdsBits {
                value = self.bits[offset] != 0 ? 1 : 0
            } else {
                let words = UnsafeBufferPointer(rebasing: self.words[offset..<(offset + type.registerCount)])
                value = RegisterDecoder.decode(words, as: type, order: self.channels[index].order)
            }
            value = self.channels[index].scaling.apply(value)
            if !value.isFinite { value = .nan }  // a NaN/Inf float from the PLC counts as no sample
            self.channels[index].ring.push(value)
            self.channels[index].summary.add(value)
        }
    }

    private func pushMissing(request r: Int) {
        for index in self.plan.requests[r].channels {
            self.channels[index].ring.push(.nan)
        }
    }

    /// Pushes a missing sample into every ring (a cycle that could not run: not connected).
    func pushMissingCycle() {
        self.timestamps.push(MonotonicClock.now())
        for index in self.channels.indices { self.channels[index].ring.push(.nan) }
    }

    /// Builds the summary of the interval that ends now into `writer`, and starts the next interval.
    /// `{"v":1,"seq":N,"ts":…,"from":…,"to":…,"channels":{"<id>":{"n":…,"min":…,"max":…,"mean":…,"std":…,"last":…,"unit":"…"}}}`
    func buildSummary(nowWall: Int64) {
        self.seq += 1
        let w = self.writer
        w.reset()
        w.beginObject()
        w.key("v")
        w.integer(1)
        w.key("seq")
        w.integer(self.seq)
        w.key("ts")
        w.timestamp(unixMilliseconds: nowWall)
        w.key("from")
        w.timestamp(unixMilliseconds: self.intervalStartWall)
        w.key("to")
        w.timestamp(unixMilliseconds: nowWall)
        w.key("channels")
        w.beginObject()
        for index in self.channels.indices {
            let c = self.channels[index]
            w.key(c.id)
            w.beginObject()
            w.key("n")
            w.integer(c.summary.count)
            if c.summary.count > 0 {
                w.key("min")
                self.sample(c.summary.min, c.singlePrecision)
                w.key("max")
                self.sample(c.summary.max, c.singlePrecision)
                w.key("mean")
                self.sample(c.summary.mean, c.singlePrecision)
                w.key("std")
                self.sample(c.summary.standardDeviation, c.singlePrecision)
                w.key("last")
                self.sample(c.summary.last, c.singlePrecision)
            }
            w.key("unit")
            w.string(c.unit)
            w.endObject()
            self.channels[index].summary.reset()
        }
        w.endObject()
        w.endObject()
        self.intervalStartWall = nowWall
    }

    private func sample(_ value: Double, _ singlePrecision: Bool) {
        if singlePrecision { self.writer.number(float32: value) } else { self.writer.number(value) }
    }

    /// `{"state":"online","ts":…}` or `{"state":"offline","ts":…,"error":"…"}`.
    func statusPayload(nowWall: Int64) -> [UInt8] {
        let w = JSONWriter(capacity: 512 + 6 * (self.error?.utf8.count ?? 0))
        w.beginObject()
        w.key("state")
        w.string((self.state ?? .offline).rawValue)
        w.key("ts")
        w.timestamp(unixMilliseconds: nowWall)
        if let error = self.error, self.state != .online {
            w.key("error")
            w.string(error)
        }
        w.endObject()
        return Array(w.bytes)
    }
}
