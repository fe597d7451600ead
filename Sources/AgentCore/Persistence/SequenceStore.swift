import Glibc
import Posix
import Synchronization

/// Sequence numbers that survive restarts without reuse: per device for summaries (`device:<id>`), per gateway for
/// alert events (`alerts`), and the last alert-id millisecond (`alert-id-ms`).
///
/// Every record carries its stream and number into the spool before it is published, and the spool gives back the
/// highest numbers it holds at start-up; this file keeps the numbers of records that already left the spool (it is
/// written before resolved segments are deleted, periodically, and at a clean stop). So after a crash of the
/// agent alone the numbers resume exactly. After a reboot (the kernel's boot id changed) records of the last fsync
/// interval may be gone from disk although they were published: unless the spool fsyncs every record, each stream
/// then skips ahead by ``rebootGap`` — a visible gap, never a reused number.
public final class SequenceStore: Sendable {
    private struct State {
        var next: [String: UInt64] = [:]
        var dirty = false
    }

    public let path: String
    private let state: Mutex<State>
    private let bootID: String

    /// Numbers skipped per stream after a reboot when records may have been lost.
    public static let rebootGap: UInt64 = 10_000

    /// Loads the file (if any) and merges what the spool recovered (`recovered`: highest number per stream).
    public init(path: String, recovered: [String: UInt64], durableSpool: Bool) {
        self.path = path
        self.bootID = Self.currentBootID()
        var next: [String: UInt64] = [:]
        var storedBoot = ""
        if let bytes = try? FileReader.read(path, limit: 1 << 20) {
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
                let fields = line.split(separator: " ")
                if fields.count == 2, fields[0] == "boot" { storedBoot = String(fields[1]) }
                if fields.count == 3, fields[0] == "next", let n = UInt64(fields[2]) { next[String(fields[1])] = n }
            }
        }
        for (stream, highest) in recovered { next[stream] = max(next[stream] ?? 1, highest + 1) }
        if storedBoot != self.bootID && !durableSpool && !storedBoot.isEmpty {
            for key in next.keys where key != "alert-id-ms" { next[key]! += Self.rebootGap }
        }
        self.state = Mutex(State(next: next, dirty: true))
    }

    /// Takes the next number of `stream` (numbers start at 1).
    public func take(_ stream: String) -> UInt64 {
        self.state.withLock { s in
            let n = s.next[stream] ?? 1
            s.next[stream] = n + 1
            s.dirty = true
            return n
        }
    }

    /// The value stored for `stream` (for the alert-id clock), and a way to raise it.
    public func value(_ stream: String) -> UInt64 { self.state.withLock { $0.next[stream] ?? 0 } }

    public func raise(_ stream: String, to value: UInt64) {
        self.state.withLock { s in
            if (s.next[stream] ?? 0) < value {
                s.next[stream] = value
                s.dirty = true
            }
        }
    }

    /// Writes the file atomically (temporary file, fsync, rename) when something changed.
    public func persist() {
        let text: String? = self.state.withLock { s in
            guard s.dirty else { return nil }
            s.dirty = false
            var text = "boot \(self.bootID)\n"
            for key in s.next.keys.sorted() { text += "next \(key) \(s.next[key]!)\n" }
            return text
        }
        guard let text else { return }
        do {
            try FileWriter.write(text, to: self.path, durable: true)
        } catch {
            self.state.withLock { $0.dirty = true }
        }
    }

    static func currentBootID() -> String {
        guard let bytes = try? FileReader.read("/proc/sys/kernel/random/boot_id", limit: 128) else { return "unknown" }
        return String(decoding: bytes, as: UTF8.self).filter { $0 != "\n" }
    }
}
