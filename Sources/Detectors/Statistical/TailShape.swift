/// The constants of a ``TailCalibrator``: the same for the spike (or the shift) calibrators of every channel with
/// the same parameters, so they share one copy (see ``InternTable``) instead of 70 bytes each.
struct TailShape: Sendable, Hashable {
    /// H: the history the fit looks at.
    let capacity: Int
    /// K: the skyband keeps every value that fewer than K later values match or exceed.
    let keep: Int
    let alpha: Double
    let minTail: Int
    let minHistory: Int
    let minBeta: Double
    let decluster: Bool
    /// Entries the skyband has room for.
    let room: Int
    /// Bits of a skyband mark that hold the slot.
    let slotBits: UInt16
    /// 64-bit words of the slot bitmap.
    let presentWords: Int
}

/// The calibrators' constants, shared by the calibrators that have equal ones.
let tailShapes = InternTable<TailShape>()
