/// `spoof`: reporting that looks spoofed (MITRE ATT&CK for ICS T1692.002 Spoof Reporting Message, formerly
/// T0856). Two signs, on a signal that normally changes its exact value from sample to sample:
/// - frozen: the value is bit-for-bit identical for `frozen` samples in a row (a live analog reading always
///   moves in its last bits; a replaced or frozen register does not);
/// - replay: the last `window` samples repeat, bit for bit, an earlier stretch of the channel's history (a
///   recorded sequence played back), provided the stretch itself changed value at least `min_changes` times.
///
/// Replay is found with a rolling hash of the last `window` values and a direct-mapped table of earlier window
/// hashes (lossy on collisions, never a false match in practice: 64-bit mixed hashes). All memory is allocated at
/// start-up: the window ring and the table (16 bytes per slot, 2 slots per sample of history).
public final class SpoofDetector: @unchecked Sendable {
    public struct Parameters: Sendable, Hashable {
        public var window: Int
        public var frozen: Int
        public var minChanges: Int
        /// Share of steps that must change the exact value for the signal to count as live.
        public var liveShare: Double
        public var learnSamples: Int

        public init(window: Int = 32, frozen: Int = 30, minChanges: Int = 16, liveShare: Double = 0.9,
                    learnSamples: Int = 128) {
            self.window = window
            self.frozen = frozen
            self.minChanges = minChanges
            self.liveShare = liveShare
            self.learnSamples = learnSamples
        }
    }

    public let parameters: Parameters
    private let values: UnsafeMutableBufferPointer<UInt64>
    private let changed: UnsafeMutableBufferPointer<Bool>
    private let slots: UnsafeMutableBufferPointer<(hash: UInt64, index: Int)>
    private let mask: Int
    private let power: UInt64
    @exclusivity(unchecked) private var hash: UInt64 = 0
    @exclusivity(unchecked) private var count = 0
    @exclusivity(unchecked) private var changes = 0
    @exclusivity(unchecked) private var previous: UInt64?
    @exclusivity(unchecked) private var run = 0
    @exclusivity(unchecked) private var live = 0.0
    @exclusivity(unchecked) private var steps = 0
    @exclusivity(unchecked) private var pendingFlat = 0

    static let base: UInt64 = 0x100000001B3

    /// `history`: how many samples back a replay is looked for (the channel's ring capacity).
    public init(_ parameters: Parameters, history: Int) {
        self.parameters = parameters
        self.values = .allocate(capacity: parameters.window)
        self.values.initialize(repeating: 0)
        self.changed = .allocate(capacity: parameters.window)
        self.changed.initialize(repeating: false)
        var size = 64
        while size < 2 * max(history, parameters.window) { size <<= 1 }
        self.slots = .allocate(capacity: size)
        self.slots.initialize(repeating: (0, -1))
        self.mask = size - 1
        var p: UInt64 = 1
        for _ in 0..<parameters.window { p &*= Self.base }
        self.power = p
    }

    deinit {
        self.values.deallocate()
        self.changed.deallocate()
        self.slots.deallocate()
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E3779B97F4A7C15
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }

    /// A running mean over the first `learnSamples` steps, then an exponentially weighted one.
    private func learn(_ moved: Double) {
        self.steps += 1
        self.live += (moved - self.live) / Double(min(self.steps, self.parameters.learnSamples))
    }

    /// `score`: for a replay, how many samples back the repeated stretch started (positive); for a frozen value,
    /// minus the run length (negative). `expected`: the learnt share of steps that change the exact value.
    public func update(_ x: Double) -> Verdict {
        let p = self.parameters
        let bits = x.bitPattern
        let moved = self.previous.map { $0 != bits } ?? true
        self.previous = bits
        self.run = moved ? 0 : self.run + 1
        // The window ring: value, and whether it differed from the one before.
        let slot = self.count % p.window
        let mixed = Self.mix(bits)
        // H = Σ mix(v) · B^(age): shift everything one power up, drop the value leaving the window (now at B^W),
        // add the new one.
        self.hash = self.hash &* Self.base &+ mixed
        if self.count >= p.window {
            self.hash &-= Self.mix(self.values[slot]) &* self.power
            if self.changed[slot] { self.changes -= 1 }
        }
        self.values[slot] = bits
        self.changed[slot] = moved
        if moved { self.changes += 1 }
        self.count += 1

        let isLive = self.live >= p.liveShare && self.steps >= p.learnSamples
        let frozen = isLive && self.run >= p.frozen
        var replayLag = 0
        if self.count >= p.window && self.changes >= p.minChanges {
            let i = Int(truncatingIfNeeded: self.hash) & self.mask
            let earlier = self.slots[i]
            if earlier.hash == self.hash && earlier.index >= 0 && self.count - earlier.index >= p.window {
                replayLag = self.count - earlier.index
            } else {
                self.slots[i] = (self.hash, self.count)
            }
        }
        let replay = isLive && replayLag > 0
        // The share of moving steps is learnt when a flat run ends, and only from runs shorter than `frozen`:
        // the samples of a frozen stretch never teach the detector that the signal is flat.
        if moved && !replay {
            if self.pendingFlat < p.frozen {
                for _ in 0..<self.pendingFlat { self.learn(0) }
            }
            self.learn(1)
        }
        self.pendingFlat = moved ? 0 : self.pendingFlat + 1
        return Verdict(active: frozen || replay, score: replay ? Double(replayLag) : -Double(self.run), expected: self.live)
    }
}
