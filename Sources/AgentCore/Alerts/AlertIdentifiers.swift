import Posix
import Synchronization

/// Alert ids: UUIDv7 (RFC 9562), strictly increasing per gateway. The 48-bit millisecond timestamp is followed by
/// a 12-bit counter (method 1 of RFC 9562 §6.2) that orders ids within one millisecond, then random bits. If the
/// wall clock steps back, ids keep counting from the last one, so their text order is their emission order.
public final class AlertIdentifiers: Sendable {
    private struct State {
        var millisecond: Int64 = 0
        var counter: UInt16 = 0
        var random: UInt64
    }

    private let state: Mutex<State>

    /// `after`: the millisecond of the last id issued before (persisted across restarts), so that ids keep
    /// increasing even if the clock stepped back meanwhile.
    public init(after lastMillisecond: Int64 = 0,
                seed: UInt64 = UInt64(truncatingIfNeeded: WallClock.nowMilliseconds()) &* 0x9E37_79B9_7F4A_7C15) {
        self.state = Mutex(State(millisecond: lastMillisecond, counter: 0xFFF, random: seed | 1))
    }

    /// The millisecond field of the last id issued.
    public var lastMillisecond: Int64 { self.state.withLock { $0.millisecond } }

    /// The next id, as its 16 bytes.
    public func next(now: Int64 = WallClock.nowMilliseconds()) -> (UInt64, UInt64) {
        self.state.withLock { s in
            if now > s.millisecond {
                s.millisecond = now
                s.counter = 0
            } else if s.counter < 0xFFF {
                s.counter += 1
            } else {
                s.millisecond += 1  // 4096 ids in one millisecond: borrow the next one
                s.counter = 0
            }
            // xorshift64* for the random tail (ordering comes from time and counter, not from these bits).
            s.random ^= s.random >> 12
            s.random ^= s.random << 25
            s.random ^= s.random >> 27
            let random = s.random &* 0x2545_F491_4F6C_DD1D
            let high = UInt64(bitPattern: s.millisecond) << 16 | 0x7000 | UInt64(s.counter)
            let low = 0x8000_0000_0000_0000 | (random >> 2)
            return (high, low)
        }
    }

    /// The canonical text form, `xxxxxxxx-xxxx-7xxx-xxxx-xxxxxxxxxxxx` (lowercase).
    public static func text(_ id: (UInt64, UInt64)) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for (i, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if i == 8 || i == 12 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(digits[Int(id.0 >> UInt64(shift) & 0xF)])
        }
        for (i, shift) in stride(from: 60, through: 0, by: -4).enumerated() {
            if i == 0 || i == 4 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(digits[Int(id.1 >> UInt64(shift) & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
