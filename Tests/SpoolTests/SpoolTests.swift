import Foundation
import Posix
@testable import Spool
import TestSupport
import Testing

struct SpoolTests {
    func segments(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix("seg-") }.sorted()
    }

    @Test func recordsSurviveAReopenUntilAcknowledged() throws {
        let dir = TemporaryDirectory()
        var ids: [UInt64] = []
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 1 << 20)
            for i in 0..<5 {
                ids.append(try spool.append(kind: i == 2 ? .alert : .summary, qos: 1, topic: "t/\(i)", payload: Array("p\(i)".utf8)))
            }
            try spool.acknowledge(ids[0])
            try spool.acknowledge(ids[3])
        }
        let spool = try Spool(directory: dir.path, maxBytes: 1 << 20)
        #expect(spool.pending(.summary) == [ids[1], ids[4]])
        #expect(spool.pending(.alert) == [ids[2]])
        let message = try #require(try spool.read(ids[4]))
        #expect(message.topic == "t/4" && message.payload == Array("p4".utf8) && message.qos == 1 && message.kind == .summary)
        #expect(spool.oldestPending(.summary) == ids[1])
        #expect(spool.oldestPending(.summary, skip: { $0 == ids[1] }) == ids[4])
        // New ids never reuse old ones.
        #expect(try spool.append(kind: .summary, qos: 1, topic: "t", payload: []) > ids[4])
        #expect(spool.statistics.truncatedRecords == 0)
    }

    @Test func sequenceNumbersAreRecoveredPerStream() throws {
        let dir = TemporaryDirectory()
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 1 << 20)
            for seq in 1...5 { try spool.append(kind: .summary, qos: 1, topic: "s", payload: [], stream: "device:a", sequence: UInt64(seq)) }
            let last = try spool.append(kind: .alert, qos: 1, topic: "a", payload: [9], stream: "alerts", sequence: 42)
            try spool.acknowledge(last)
            let message = try #require(try spool.read(1))
            #expect(message.stream == "device:a" && message.sequence == 1)
        }
        let spool = try Spool(directory: dir.path, maxBytes: 1 << 20)
        #expect(spool.recoveredSequences == ["device:a": 5, "alerts": 42])
    }

    @Test func resolvedSegmentsAreDeleted() throws {
        let dir = TemporaryDirectory()
        let spool = try Spool(directory: dir.path, maxBytes: 1 << 20, segmentBytes: 256)
        var ids: [UInt64] = []
        for i in 0..<40 { ids.append(try spool.append(kind: .summary, qos: 1, topic: "t", payload: Array(repeating: UInt8(i), count: 50))) }
        #expect(self.segments(dir.path).count > 5)
        for id in ids { try spool.acknowledge(id) }
        #expect(self.segments(dir.path).count <= 2)
        #expect(spool.isEmpty && spool.statistics.records == 0)
    }

    @Test func aTornOrCorruptTailIsTruncatedAndCounted() throws {
        let dir = TemporaryDirectory()
        var ids: [UInt64] = []
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 1 << 20)
            for i in 0..<4 { ids.append(try spool.append(kind: .summary, qos: 1, topic: "t", payload: Array(repeating: UInt8(i), count: 100))) }
            spool.sync()
        }
        let file = dir.path + "/" + self.segments(dir.path).last { (try? FileManager.default.attributesOfItem(atPath: dir.path + "/" + $0)[.size] as? Int ?? 0) ?? 0 > 0 }!
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        // A torn write: the last record is cut short.
        bytes = bytes.prefix(bytes.count - 30)
        try bytes.write(to: URL(fileURLWithPath: file))
        do {
            let spool = try Spool(directory: dir.path, maxBytes: 1 << 20)
            #expect(spool.pending(.summary) == Array(ids[0..<3]))
            #expect(spool.statistics.truncatedRecords == 1)
            #expect(spool.statistics.truncatedBytes == 136 - 30)  // a record: 16 header + 19 + 1 topic + 100 payload
        }
        // A flipped bit in the second record: it and what follows in that segment are dropped, the first kept.
        var again = try Data(contentsOf: URL(fileURLWithPath: file))
        again[136 + 40] ^= 0x10
        try again.write(to: URL(fileURLWithPath: file))
        let spool = try Spool(directory: dir.path, maxBytes: 1 << 20)
        #expect(spool.pending(.summary) == [ids[0]])
        #expect(spool.statistics.truncatedRecords == 1)
        // …and the spool goes on working.
        let next = try spool.append(kind: .alert, qos: 1, topic: "a", payload: [1])
        #expect(spool.pending(.alert) == [next])
    }

    @Test func whenFullOldestSummariesGoFirstAndAlertsAreKept() throws {
        let dir = TemporaryDirectory()
        let spool = try Spool(directory: dir.path, maxBytes: 64 << 10, segmentBytes: 4 << 10)
        var alerts: [UInt64] = []
        var summaries: [UInt64] = []
        for i in 0..<400 {
            if i % 10 == 0 {
                alerts.append(try spool.append(kind: .alert, qos: 1, topic: "a", payload: Array(repeating: 1, count: 200)))
            } else {
                summaries.append(try spool.append(kind: .summary, qos: 1, topic: "s", payload: Array(repeating: 2, count: 200)))
            }
        }
        let stats = spool.statistics
        #expect(stats.bytes <= 64 << 10)
        #expect(stats.droppedAlerts == 0)
        #expect(stats.droppedSummaries > 0)
        #expect(spool.pending(.alert) == alerts, "every alert is still there, in order")
        let kept = spool.pending(.summary)
        #expect(kept == Array(summaries.suffix(kept.count)), "the newest summaries are kept, the oldest dropped")
        #expect(kept.count + stats.droppedSummaries == summaries.count)
        // The accounting survives a restart.
        let reopened = try Spool(directory: dir.path, maxBytes: 64 << 10, segmentBytes: 4 << 10)
        #expect(reopened.pending(.alert) == alerts && reopened.pending(.summary) == kept)
    }

    @Test func whenOnlyAlertsRemainTheOldestAlertsGo() throws {
        let dir = TemporaryDirectory()
        let spool = try Spool(directory: dir.path, maxBytes: 64 << 10, segmentBytes: 4 << 10)
        var alerts: [UInt64] = []
        for _ in 0..<400 { alerts.append(try spool.append(kind: .alert, qos: 1, topic: "a", payload: Array(repeating: 1, count: 200))) }
        let kept = spool.pending(.alert)
        #expect(spool.statistics.droppedAlerts > 0 && kept == Array(alerts.suffix(kept.count)))
    }

    /// `fsync: interval`: a record still waiting for the broker is flushed an interval after it was written; one
    /// acknowledged before that is not flushed for its own sake (real fdatasync calls, counted by the spool).
    @Test func intervalFlushesOnlyRecordsStillPending() throws {
        let dir = TemporaryDirectory()
        let interval = 1.0
        let spool = try Spool(directory: dir.path, maxBytes: 1 << 20, fsync: .interval(interval))
        #expect(spool.nanosecondsUntilSyncDue == nil)
        // Delivered within the interval: nothing to flush, then or later.
        let delivered = try spool.append(kind: .summary, qos: 1, topic: "s", payload: [1, 2, 3])
        let due = try #require(spool.nanosecondsUntilSyncDue)
        #expect(due > 0 && due <= Int64(interval * 1e9))
        try spool.acknowledge(delivered)
        #expect(spool.nanosecondsUntilSyncDue == nil)
        usleep(useconds_t(interval * 1.2e6))
        spool.syncIfDue()
        #expect(spool.syncCount == 0)
        // Still pending: flushed once due, not before.
        let pending = try spool.append(kind: .summary, qos: 1, topic: "s", payload: [4, 5, 6])
        spool.syncIfDue()
        #expect(spool.syncCount == 0)
        let wait = try #require(spool.nanosecondsUntilSyncDue)
        usleep(useconds_t(wait / 1000 + 10_000))
        #expect(spool.nanosecondsUntilSyncDue == 0)
        spool.syncIfDue()
        #expect(spool.syncCount == 1)
        #expect(spool.nanosecondsUntilSyncDue == nil)
        // Its acknowledgement alone needs no flush either; a clean stop flushes whatever was written.
        try spool.acknowledge(pending)
        #expect(spool.nanosecondsUntilSyncDue == nil)
        spool.syncIfDue()
        #expect(spool.syncCount == 1)
        spool.sync()
        #expect(spool.syncCount == 2)
        // `always` flushes every record as it is written.
        let alwaysDir = TemporaryDirectory()
        let always = try Spool(directory: alwaysDir.path, maxBytes: 1 << 20, fsync: .always)
        _ = try always.append(kind: .alert, qos: 1, topic: "a", payload: [7])
        #expect(always.syncCount == 1)
    }

    /// As a connected agent runs: each record is acknowledged before the next comes, and the newest is pending at
    /// every check. Nothing is flushed, segments roll without a flush, and the list of records written since the
    /// last flush stays short.
    @Test(arguments: [16 << 10, 1 << 20]) func aConnectedSpoolNeitherFlushesNorGrows(segmentBytes: Int) throws {
        let dir = TemporaryDirectory()
        let spool = try Spool(directory: dir.path, maxBytes: 4 << 20, fsync: .interval(60), segmentBytes: segmentBytes)
        var previous: UInt64?
        for _ in 0..<5000 {
            if let previous { try spool.acknowledge(previous) }
            let id = try spool.append(kind: .summary, qos: 1, topic: "s", payload: Array(repeating: 1, count: 100))
            spool.syncIfDue()
            #expect(spool.nanosecondsUntilSyncDue != nil)
            previous = id
        }
        #expect(spool.syncCount == 0)
        #expect(spool.unsyncedLength <= 200)
        if segmentBytes < 100 << 10 {
            #expect(segments(dir.path).count <= 2, "segments rolled and were reclaimed")
            // A pending record in a segment that rolls is flushed with it.
            let dir2 = TemporaryDirectory()
            let rolling = try Spool(directory: dir2.path, maxBytes: 1 << 20, fsync: .interval(60), segmentBytes: segmentBytes)
            for _ in 0..<200 {
                _ = try rolling.append(kind: .summary, qos: 1, topic: "s", payload: Array(repeating: 1, count: 100))
            }
            #expect(rolling.syncCount >= 1)
        } else {
            #expect(segments(dir.path).count == 1, "no segment rolled")
        }
    }
}
