import Glibc
import Posix

/// An append-only, crash-safe store of the messages on their way to the broker. A record leaves the spool only when
/// the broker has acknowledged it (or when space runs out: oldest summaries first, alerts only when no summary
/// remains).
///
/// On disk: a directory of segment files `seg-<number>.log`, each a sequence of records
/// `magic u32 | type u8 | kind u8 | qos u8 | 0 u8 | body length u32 | CRC-32C u32 | body`, all little-endian, the
/// CRC covering the first 12 header bytes and the body. Data bodies are `id u64 | topic length u16 | topic |
/// payload`; acknowledgement and drop bodies are `id u64`. Segments are deleted oldest first once none of their
/// records is pending, so an acknowledgement is always stored after the record it resolves. At start-up every
/// segment is read back; a torn or corrupt tail is truncated and counted.
///
/// Not thread-safe: its owner serialises access.
public final class Spool {
    struct Entry {
        var kind: SpoolKind
        var qos: UInt8
        var segment: UInt64
        var offset: Int
        var length: Int
    }

    struct Segment {
        var number: UInt64
        var bytes: Int
        /// Data records of this segment (ids), pending or not, in order.
        var ids: [UInt64]
    }

    static let magic: UInt32 = 0x5053_544F  // "OTSP" little-endian
    static let headerBytes = 16
    static let maxTopicBytes = 1024
    static let maxPayloadBytes = 1 << 20

    public let directory: String
    public let maxBytes: Int
    public let segmentBytes: Int
    public let fsync: FsyncPolicy

    private var segments: [Segment] = []
    private var currentFD: Int32 = -1
    private var entries: [UInt64: Entry] = [:]
    private var alertOrder: [UInt64] = []
    private var alertHead = 0
    private var summaryOrder: [UInt64] = []
    private var summaryHead = 0
    private var nextID: UInt64 = 1
    private var totalBytes = 0
    private var dirty = false
    /// Records written since the last flush, in order, with the monotonic time of each write. Under
    /// `fsync: interval` a flush is due once the oldest of them that the broker has not acknowledged is an interval
    /// old: a record delivered before that needs no flush (a connected agent then flushes nothing).
    private var unsynced: [(id: UInt64, written: Int64)] = []
    private var unsyncedHead = 0
    /// A segment was created since the last flush: its directory entry is flushed with the next flush.
    private var directoryDirty = false
    /// Entries of `unsynced` held, the ones already passed included (for the tests: it stays bounded).
    var unsyncedLength: Int { self.unsynced.count }
    /// Flushes (fdatasync) since start.
    public private(set) var syncCount = 0
    private var dropped = (summaries: 0, alerts: 0)
    private var truncated = (bytes: 0, records: 0)
    private var scratch = [UInt8](repeating: 0, count: 4096)
    /// The highest sequence number per stream among the data records found at start-up.
    public private(set) var recoveredSequences: [String: UInt64] = [:]
    /// Called before resolved segments are deleted (to persist what they alone remember, e.g. sequence numbers).
    public var beforeReclaim: (() -> Void)?

    /// Opens (creating it if needed) and recovers the spool in `directory`.
    public init(directory: String, maxBytes: Int, fsync: FsyncPolicy = .interval(1), segmentBytes: Int? = nil)
        throws(SpoolError)
    {
        self.directory = directory
        self.maxBytes = max(maxBytes, 64 << 10)
        self.segmentBytes = segmentBytes ?? max(16 << 10, min(4 << 20, self.maxBytes / 16))
        self.fsync = fsync
        try Self.makeDirectory(directory)
        try self.recover()
    }

    deinit {
        self.sync()
        if self.currentFD >= 0 { close(self.currentFD) }
    }

    // MARK: Writing

    /// Stores a message and returns its record id. Makes room first when the spool is full.
    @discardableResult
    public func append(kind: SpoolKind, qos: Int, topic: String, payload: UnsafeRawBufferPointer, stream: String = "",
                       sequence: UInt64 = 0) throws(SpoolError) -> UInt64
    {
        let topicBytes = topic.utf8.count
        let streamBytes = stream.utf8.count
        guard topicBytes <= Self.maxTopicBytes, payload.count <= Self.maxPayloadBytes, streamBytes <= 255 else {
            throw SpoolError(path: self.directory, operation: "append to",
                             message: "record too large (topic \(topicBytes) bytes, payload \(payload.count) bytes)")
        }
        let id = self.nextID
        self.nextID += 1
        let length = Self.headerBytes + Self.fixedDataBytes + streamBytes + topicBytes + payload.count
        try self.makeRoom(for: length)
        let (segment, offset) = try self.write(type: 1, kind: kind.rawValue, qos: UInt8(qos), length: length) { body in
            Self.fillData(body, id: id, sequence: sequence, stream: stream, topic: topic, payload: payload)
        }
        self.segments[self.segments.count - 1].ids.append(id)
        self.entries[id] = Entry(kind: kind, qos: UInt8(qos), segment: segment, offset: offset, length: length)
        self.noteUnsynced(id)
        if kind == .alert { self.alertOrder.append(id) } else { self.summaryOrder.append(id) }
        return id
    }

    @discardableResult
    public func append(kind: SpoolKind, qos: Int, topic: String, payload: [UInt8], stream: String = "",
                       sequence: UInt64 = 0) throws(SpoolError) -> UInt64 {
        try payload.withUnsafeBytes { bytes in
            Result { () throws(SpoolError) -> UInt64 in
                try self.append(kind: kind, qos: qos, topic: topic, payload: bytes, stream: stream, sequence: sequence)
            }
        }.get()
    }

    /// id, sequence, stream length: the fixed part of a data body (with the topic length).
    static let fixedDataBytes = 8 + 8 + 1 + 2

    static func fillData(_ body: UnsafeMutableRawBufferPointer, id: UInt64, sequence: UInt64, stream: String,
                         topic: String, payload: UnsafeRawBufferPointer) {
        body.storeBytes(of: id.littleEndian, toByteOffset: 0, as: UInt64.self)
        body.storeBytes(of: sequence.littleEndian, toByteOffset: 8, as: UInt64.self)
        var offset = 16
        var stream = stream
        stream.withUTF8 { s in
            body[offset] = UInt8(s.count)
            if s.count > 0 { body.baseAddress!.advanced(by: offset + 1).copyMemory(from: s.baseAddress!, byteCount: s.count) }
            offset += 1 + s.count
        }
        var topic = topic
        topic.withUTF8 { t in
            body.storeBytes(of: UInt16(t.count).littleEndian, toByteOffset: offset, as: UInt16.self)
            body.baseAddress!.advanced(by: offset + 2).copyMemory(from: t.baseAddress!, byteCount: t.count)
            offset += 2 + t.count
        }
        if payload.count > 0 {
            body.baseAddress!.advanced(by: offset).copyMemory(from: payload.baseAddress!, byteCount: payload.count)
        }
    }

    /// The fields of a data record (`record` is the whole record, header included).
    static func unpackData(_ record: [UInt8]) -> (sequence: UInt64, stream: String, topic: String, payload: [UInt8])? {
        guard let fields = self.unpackFields(record) else { return nil }
        return (fields.sequence, fields.stream, fields.topic, Array(record[fields.payloadOffset...]))
    }

    /// The fields of a data record before its payload, and where the payload starts (`record` holds at least the
    /// record's start, header included).
    static func unpackFields(_ record: [UInt8]) -> (sequence: UInt64, stream: String, topic: String, payloadOffset: Int)? {
        let h = headerBytes
        guard record.count >= h + fixedDataBytes else { return nil }
        var sequence: UInt64 = 0
        for k in 0..<8 { sequence |= UInt64(record[h + 8 + k]) << UInt64(8 * k) }
        let streamLength = Int(record[h + 16])
        var offset = h + 17
        guard offset + streamLength + 2 <= record.count else { return nil }
        let stream = String(decoding: record[offset..<(offset + streamLength)], as: UTF8.self)
        offset += streamLength
        let topicLength = Int(UInt16(record[offset]) | UInt16(record[offset + 1]) << 8)
        offset += 2
        guard offset + topicLength <= record.count else { return nil }
        let topic = String(decoding: record[offset..<(offset + topicLength)], as: UTF8.self)
        return (sequence, stream, topic, offset + topicLength)
    }

    /// The broker acknowledged the record (or it was sent at QoS 0): it leaves the spool.
    public func acknowledge(_ id: UInt64) throws(SpoolError) {
        guard self.entries.removeValue(forKey: id) != nil else { return }
        try self.writeMarker(type: 2, id: id)
        self.reclaim()
    }

    /// Flushes to disk if the policy says so now (call regularly, e.g. every 100 ms). Under `interval`, that is
    /// when a record still waiting for the broker was written an interval ago or more.
    public func syncIfDue() {
        guard self.dirty else { return }
        switch self.fsync {
        case .always: self.sync()
        case .interval(let seconds):
            if let written = self.oldestUnsyncedPending(), MonotonicClock.now() - written >= Int64(seconds * 1e9) {
                self.sync()
            }
        case .never: break
        }
    }

    /// Nanoseconds until ``syncIfDue()`` has something to do (0: now), or nil while nothing waits for a sync.
    public var nanosecondsUntilSyncDue: Int64? {
        guard self.dirty else { return nil }
        switch self.fsync {
        case .always: return 0
        case .interval(let seconds):
            guard let written = self.oldestUnsyncedPending() else { return nil }
            return max(0, written + Int64(seconds * 1e9) - MonotonicClock.now())
        case .never: return nil
        }
    }

    /// Forces everything written to disk (clean shutdown), and the directory entry of a segment created since.
    public func sync() {
        guard self.dirty || self.directoryDirty, self.currentFD >= 0 else { return }
        self.flushSegment()
        if self.directoryDirty {
            self.syncDirectory()
            self.directoryDirty = false
        }
    }

    /// Flushes the current segment's writes, if any; nothing written is then waiting for a flush.
    private func flushSegment() {
        if self.dirty {
            _ = fdatasync(self.currentFD)
            self.syncCount += 1
            self.dirty = false
        }
        self.forgetUnsynced()
    }

    private func forgetUnsynced() {
        self.unsynced.removeAll(keepingCapacity: true)
        self.unsyncedHead = 0
    }

    private func noteUnsynced(_ id: UInt64) {
        if case .interval = self.fsync { self.unsynced.append((id, MonotonicClock.now())) }
    }

    /// The write time of the oldest record written since the last flush that is still pending; drops the
    /// acknowledged ones before it.
    private func oldestUnsyncedPending() -> Int64? {
        while self.unsyncedHead < self.unsynced.count, self.entries[self.unsynced[self.unsyncedHead].id] == nil {
            self.unsyncedHead += 1
        }
        guard self.unsyncedHead < self.unsynced.count else {
            self.forgetUnsynced()
            return nil
        }
        // While connected, a new record is pending at almost every check: drop the passed entries now and then.
        if self.unsyncedHead >= 64 && 2 * self.unsyncedHead >= self.unsynced.count {
            self.unsynced.removeFirst(self.unsyncedHead)
            self.unsyncedHead = 0
        }
        return self.unsynced[self.unsyncedHead].written
    }

    // MARK: Reading

    public var isEmpty: Bool { self.entries.isEmpty }

    /// Records not acknowledged yet.
    public var pendingCount: Int { self.entries.count }

    public func isPending(_ id: UInt64) -> Bool { self.entries[id] != nil }

    /// The oldest pending record of `kind` with an id of at least `atLeast` that `skip` does not exclude (records
    /// already in flight).
    public func oldestPending(_ kind: SpoolKind, atLeast: UInt64 = 0, skip: (UInt64) -> Bool = { _ in false }) -> UInt64? {
        self.compactOrders()
        let order = kind == .alert ? self.alertOrder : self.summaryOrder
        var i = kind == .alert ? self.alertHead : self.summaryHead
        if atLeast > 0 {
            // Ids were appended in increasing order (moved records keep their place): binary search.
            var lo = i, hi = order.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if order[mid] < atLeast { lo = mid + 1 } else { hi = mid }
            }
            i = lo
        }
        while i < order.count {
            let id = order[i]
            if self.entries[id] != nil && !skip(id) { return id }
            i += 1
        }
        return nil
    }

    /// The id the next appended record will get.
    public var nextRecordID: UInt64 { self.nextID }

    /// The pending records of `kind`, oldest first (for tests and status).
    public func pending(_ kind: SpoolKind) -> [UInt64] {
        let order = kind == .alert ? self.alertOrder : self.summaryOrder
        return order.filter { self.entries[$0] != nil }
    }

    /// A stored message.
    public struct Message: Sendable, Hashable {
        public var topic: String
        public var payload: [UInt8]
        public var qos: Int
        public var kind: SpoolKind
        public var stream: String
        public var sequence: UInt64
    }

    /// The stored message of a pending record.
    public func read(_ id: UInt64) throws(SpoolError) -> Message? {
        guard let entry = self.entries[id] else { return nil }
        let path = self.path(entry.segment)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError(path: path, operation: "open", error: .current) }
        defer { close(fd) }
        // The fields before the payload first, then the payload straight into its array: a summary of 1,000
        // channels (170 KB) is neither zeroed first nor copied out of a whole-record buffer.
        let head = min(entry.length, Self.headerBytes + Self.fixedDataBytes + 255 + 2 + Self.maxTopicBytes)
        let record = [UInt8](unsafeUninitializedCapacity: head) { buffer, count in
            let n = pread(fd, buffer.baseAddress, head, off_t(entry.offset))
            count = n == head ? head : 0
        }
        guard record.count == head, let fields = Self.unpackFields(record) else {
            throw SpoolError(path: path, operation: "read", error: .current)
        }
        let payloadStart = fields.payloadOffset
        let payloadLength = entry.length - payloadStart
        var complete = true
        let payload = [UInt8](unsafeUninitializedCapacity: payloadLength) { buffer, count in
            let inHead = max(0, head - payloadStart)
            if inHead > 0 {
                record.withUnsafeBufferPointer {
                    buffer.baseAddress!.update(from: $0.baseAddress! + payloadStart, count: inHead)
                }
            }
            if payloadLength > inHead {
                let n = pread(fd, buffer.baseAddress! + inHead, payloadLength - inHead,
                              off_t(entry.offset + payloadStart + inHead))
                complete = n == payloadLength - inHead
            }
            count = complete ? payloadLength : 0
        }
        guard complete else { throw SpoolError(path: path, operation: "read", error: .current) }
        return Message(topic: fields.topic, payload: payload, qos: Int(entry.qos), kind: entry.kind,
                       stream: fields.stream, sequence: fields.sequence)
    }

    public var statistics: SpoolStatistics {
        SpoolStatistics(bytes: self.totalBytes, records: self.entries.count,
                        pendingAlerts: self.entries.values.filter { $0.kind == .alert }.count,
                        droppedSummaries: self.dropped.summaries, droppedAlerts: self.dropped.alerts,
                        truncatedBytes: self.truncated.bytes, truncatedRecords: self.truncated.records)
    }

    // MARK: Space

    /// Deletes fully resolved segments, oldest first (never the current one).
    private func reclaim() {
        var told = false
        while self.segments.count > 1, self.segments[0].ids.allSatisfy({ self.entries[$0] == nil }) {
            if !told {
                self.beforeReclaim?()
                told = true
            }
            self.deleteOldestSegment()
        }
    }

    /// Evicts old segments until `length` more bytes fit: their pending summaries are dropped; their pending
    /// alerts are moved forward while any summary is pending elsewhere, else dropped too.
    private func makeRoom(for length: Int) throws(SpoolError) {
        self.reclaim()
        if self.totalBytes + length > self.maxBytes && self.segments.count > 1 { self.beforeReclaim?() }
        while self.totalBytes + length > self.maxBytes && self.segments.count > 1 {
            let oldest = self.segments[0]
            var summariesElsewhere = false
            for id in self.summaryOrder[self.summaryHead...] where self.entries[id].map({ $0.segment != oldest.number }) == true {
                summariesElsewhere = true
                break
            }
            for id in oldest.ids {
                guard let entry = self.entries[id] else { continue }
                if entry.kind == .summary || !summariesElsewhere {
                    self.entries[id] = nil
                    if entry.kind == .summary { self.dropped.summaries += 1 } else { self.dropped.alerts += 1 }
                } else {
                    try self.moveForward(id, entry)
                }
            }
            self.deleteOldestSegment()
        }
    }

    /// Copies a pending record to the current segment under the same id (a copy that survives a crash
    /// before the old segment is deleted is recognised by its id at recovery).
    private func moveForward(_ id: UInt64, _ entry: Entry) throws(SpoolError) {
        guard let message = try self.read(id) else { return }
        self.entries[id] = nil
        let length = entry.length
        let (segment, offset) = try self.write(type: 1, kind: entry.kind.rawValue, qos: entry.qos, length: length) { body in
            message.payload.withUnsafeBytes {
                Self.fillData(body, id: id, sequence: message.sequence, stream: message.stream, topic: message.topic,
                              payload: $0)
            }
        }
        self.segments[self.segments.count - 1].ids.append(id)
        self.entries[id] = Entry(kind: entry.kind, qos: entry.qos, segment: segment, offset: offset, length: length)
        self.noteUnsynced(id)
    }

    private func deleteOldestSegment() {
        let segment = self.segments.removeFirst()
        unlink(self.path(segment.number))
        self.totalBytes -= segment.bytes
    }

    private func compactOrders() {
        while self.alertHead < self.alertOrder.count && self.entries[self.alertOrder[self.alertHead]] == nil {
            self.alertHead += 1
        }
        while self.summaryHead < self.summaryOrder.count && self.entries[self.summaryOrder[self.summaryHead]] == nil {
            self.summaryHead += 1
        }
        if self.alertHead > 1024 && self.alertHead * 2 > self.alertOrder.count {
            self.alertOrder.removeFirst(self.alertHead)
            self.alertHead = 0
        }
        if self.summaryHead > 1024 && self.summaryHead * 2 > self.summaryOrder.count {
            self.summaryOrder.removeFirst(self.summaryHead)
            self.summaryHead = 0
        }
    }

    // MARK: Files

    private func path(_ number: UInt64) -> String {
        let hex = String(number, radix: 16)
        return "\(self.directory)/seg-\(String(repeating: "0", count: max(0, 16 - hex.count)))\(hex).log"
    }

    private func writeMarker(type: UInt8, id: UInt64) throws(SpoolError) {
        _ = try self.write(type: type, kind: 0, qos: 0, length: Self.headerBytes + 8) { body in
            body.storeBytes(of: id.littleEndian, toByteOffset: 0, as: UInt64.self)
        }
    }

    /// Appends one record whose body `fill` writes; returns its segment and offset.
    private func write(type: UInt8, kind: UInt8, qos: UInt8, length: Int, fill: (UnsafeMutableRawBufferPointer) -> Void)
        throws(SpoolError) -> (UInt64, Int)
    {
        if self.segments.isEmpty || self.segments[self.segments.count - 1].bytes + length > self.segmentBytes {
            try self.roll()
        }
        if self.scratch.count < length { self.scratch = [UInt8](repeating: 0, count: length) }
        let current = self.segments.count - 1
        let offset = self.segments[current].bytes
        let written = self.scratch.withUnsafeMutableBytes { buf -> Int in
            let record = UnsafeMutableRawBufferPointer(rebasing: buf[0..<length])
            record.storeBytes(of: Self.magic.littleEndian, toByteOffset: 0, as: UInt32.self)
            record[4] = type
            record[5] = kind
            record[6] = qos
            record[7] = 0
            record.storeBytes(of: UInt32(length - Self.headerBytes).littleEndian, toByteOffset: 8, as: UInt32.self)
            fill(UnsafeMutableRawBufferPointer(rebasing: record[Self.headerBytes...]))
            var crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: record[0..<12]))
            crc = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: record[Self.headerBytes...]), seed: crc)
            record.storeBytes(of: crc.littleEndian, toByteOffset: 12, as: UInt32.self)
            return pwrite(self.currentFD, record.baseAddress, length, off_t(offset))
        }
        guard written == length else {
            throw SpoolError(path: self.path(self.segments[current].number), operation: "write", error: .current)
        }
        self.segments[current].bytes += length
        self.totalBytes += length
        self.dirty = true
        if case .always = self.fsync { self.sync() }
        return (self.segments[current].number, offset)
    }

    private func roll() throws(SpoolError) {
        let number = (self.segments.last?.number ?? 0) + 1
        let path = self.path(number)
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpoolError(path: path, operation: "create", error: .current) }
        if self.currentFD >= 0 {
            // Later flushes only flush the new segment: what the old one holds that must reach the disk goes now.
            // Under `interval` that is only a record still waiting for the broker (see syncIfDue()): without one,
            // its writes are left to the kernel.
            if case .interval = self.fsync, self.oldestUnsyncedPending() == nil { self.dirty = false }
            self.flushSegment()
            close(self.currentFD)
        }
        self.currentFD = fd
        self.segments.append(Segment(number: number, bytes: 0, ids: []))
        // The new file's directory entry is flushed with the first flush of its records (sync()).
        if case .never = self.fsync {} else { self.directoryDirty = true }
    }

    private func syncDirectory() {
        let fd = open(self.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            _ = Glibc.fsync(fd)
            close(fd)
        }
    }

    static func makeDirectory(_ path: String) throws(SpoolError) {
        var prefix = ""
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            prefix += prefix.isEmpty && path.hasPrefix("/") ? "/\(part)" : (prefix.isEmpty ? "\(part)" : "/\(part)")
            if prefix == "/" || prefix.isEmpty { continue }
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw SpoolError(path: prefix, operation: "create directory", error: .current)
            }
        }
    }

    // MARK: Recovery

    private func recover() throws(SpoolError) {
        guard let dir = opendir(self.directory) else {
            throw SpoolError(path: self.directory, operation: "open directory", error: .current)
        }
        var numbers: [UInt64] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix("seg-"), name.hasSuffix(".log"), let n = UInt64(name.dropFirst(4).dropLast(4), radix: 16) {
                numbers.append(n)
            }
        }
        closedir(dir)
        var resolved = Set<UInt64>()
        var maxID: UInt64 = 0
        var located: [UInt64: (Entry, Int)] = [:]  // id → entry, index in `segments`
        for number in numbers.sorted() {
            let path = self.path(number)
            let bytes: [UInt8]
            do {
                bytes = try FileReader.read(path, limit: 1 << 30)  // segments are far smaller; a larger file is not ours
            } catch {
                throw SpoolError(path: path, operation: "read", message: "\(error)")
            }
            var offset = 0
            var ids: [UInt64] = []
            while offset < bytes.count {
                guard let record = Self.parse(bytes, at: offset) else { break }
                switch record.type {
                case 1:
                    maxID = max(maxID, record.id)
                    if let data = Self.unpackData(Array(bytes[offset..<(offset + record.length)])), !data.stream.isEmpty {
                        self.recoveredSequences[data.stream] = max(self.recoveredSequences[data.stream] ?? 0, data.sequence)
                    }
                    if !resolved.contains(record.id), let kind = SpoolKind(rawValue: record.kind) {
                        ids.append(record.id)
                        located[record.id] = (Entry(kind: kind, qos: record.qos, segment: number, offset: offset,
                                                    length: record.length), self.segments.count)
                    }
                default:
                    resolved.insert(record.id)
                    located[record.id] = nil
                }
                offset += record.length
            }
            if offset < bytes.count {
                // A torn or corrupt tail: cut it off so that appends continue from a clean end.
                self.truncated.bytes += bytes.count - offset
                self.truncated.records += 1
                _ = truncate(path, off_t(offset))
            }
            self.segments.append(Segment(number: number, bytes: offset, ids: ids))
            self.totalBytes += offset
        }
        self.nextID = maxID + 1
        for (id, (entry, _)) in located.sorted(by: { $0.key < $1.key }) {
            self.entries[id] = entry
            if entry.kind == .alert { self.alertOrder.append(id) } else { self.summaryOrder.append(id) }
        }
        self.reclaim()
        // Appends go to a fresh segment: the last recovered one stays as it is.
        try self.roll()
    }

    struct ParsedRecord {
        var type: UInt8
        var kind: UInt8
        var qos: UInt8
        var id: UInt64
        var length: Int
    }

    /// The record at `offset`, or nil when it is incomplete, corrupt or not a record.
    static func parse(_ b: [UInt8], at offset: Int) -> ParsedRecord? {
        guard offset + headerBytes + 8 <= b.count else { return nil }
        func u32(_ at: Int) -> UInt32 {
            UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
        }
        guard u32(offset) == magic else { return nil }
        let bodyLength = Int(u32(offset + 8))
        let length = headerBytes + bodyLength
        guard bodyLength >= 8, bodyLength <= maxPayloadBytes + maxTopicBytes + 300, offset + length <= b.count else {
            return nil
        }
        let crc = b.withUnsafeBytes { raw -> UInt32 in
            let header = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 12)])
            let body = UnsafeRawBufferPointer(rebasing: raw[(offset + headerBytes)..<(offset + length)])
            return CRC32C.checksum(body, seed: CRC32C.checksum(header))
        }
        guard crc == u32(offset + 12) else { return nil }
        let type = b[offset + 4]
        guard type >= 1 && type <= 3 else { return nil }
        var id: UInt64 = 0
        for k in 0..<8 { id |= UInt64(b[offset + headerBytes + k]) << UInt64(8 * k) }
        if type == 1 {
            guard bodyLength >= fixedDataBytes else { return nil }
            let streamLength = Int(b[offset + headerBytes + 16])
            guard 17 + streamLength + 2 <= bodyLength else { return nil }
            let t = offset + headerBytes + 17 + streamLength
            let topicLength = Int(UInt16(b[t]) | UInt16(b[t + 1]) << 8)
            guard 17 + streamLength + 2 + topicLength <= bodyLength else { return nil }
        }
        return ParsedRecord(type: type, kind: b[offset + 5], qos: b[offset + 6], id: id, length: length)
    }
}
