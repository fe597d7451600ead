import BoardFile
import Registers

/// The deterministic machine behaviour of one simulated channel: a value for every instant `t` (seconds since the
/// simulation started), built from a level, Gaussian noise, a slow sine cycle and the scheduled faults.
///
/// The same board and the same `t` always give the same value (the noise is a hash of the seed and of `t` in
/// 10 ms steps), so a run can be replayed and a test can know what the agent should see.
public struct SignalModel: Sendable {
    public let definition: SimulationDefinition
    public let isBoolean: Bool
    private let seed: UInt64

    public init(_ definition: SimulationDefinition, isBoolean: Bool, seed: UInt64) {
        self.definition = definition
        self.isBoolean = isBoolean
        self.seed = definition.seed ?? seed
    }

    /// The behaviour of a channel without a `simulate:` section: raw 1000 (in engineering units, after scaling)
    /// with 0.5 % noise and a 2-minute cycle of 2 %; booleans toggle every minute.
    public static func defaultModel(for channel: ChannelDefinition, seed: UInt64) -> SignalModel {
        if channel.type == .bool {
            return SignalModel(SimulationDefinition(level: 0.5, cycle: .seconds(120), amplitude: 0.5), isBoolean: true,
                               seed: seed)
        }
        let level = channel.scaling.apply(1000)
        let definition = SimulationDefinition(level: level, noise: abs(level) * 0.005, cycle: .seconds(120),
                                              amplitude: abs(level) * 0.02)
        return SignalModel(definition, isBoolean: false, seed: seed)
    }

    /// The model of `channel` of `device`: its `simulate:` section, or the default.
    public static func model(for channel: ChannelDefinition, device: String) -> SignalModel {
        let seed = Self.fnv1a("\(device)/\(channel.id)")
        guard let definition = channel.simulation else { return self.defaultModel(for: channel, seed: seed) }
        return SignalModel(definition, isBoolean: channel.type == .bool, seed: seed)
    }

    /// The engineering value at `t` seconds.
    public func value(at t: Double) -> Double {
        let d = self.definition
        let local = d.repeatEvery.map { t.truncatingRemainder(dividingBy: $0.seconds) } ?? t
        var v = self.additive(at: t, local: local)
        for fault in d.faults {
            let start = fault.at.seconds
            guard local >= start else { continue }
            let end = fault.effectiveDuration.map { start + $0.seconds } ?? .infinity
            guard local < end else { continue }
            switch fault.kind {
            case .stuck: v = self.additive(at: t - (local - start), local: start)
            case .outOfRange: v = fault.value
            default: break
            }
        }
        if self.isBoolean { return v >= 0.5 ? 1 : 0 }
        return v
    }

    /// Level + cycle + noise + spikes, steps and drifts (the faults that add to the signal).
    private func additive(at t: Double, local: Double) -> Double {
        let d = self.definition
        var v = d.level
        if let cycle = d.cycle, d.amplitude != 0 {
            v += d.amplitude * _sin(2 * Double.pi * t / cycle.seconds)
        }
        if d.noise > 0 { v += d.noise * self.gaussian(tick: UInt64(max(0, t) * 100)) }
        for fault in d.faults {
            let start = fault.at.seconds
            guard local >= start else { continue }
            let elapsed = local - start
            switch fault.kind {
            case .spike, .step:
                if let duration = fault.effectiveDuration, elapsed >= duration.seconds { continue }
                v += fault.magnitude
            case .drift:
                let ramp = fault.effectiveDuration?.seconds ?? 60
                v += fault.magnitude * min(1, elapsed / ramp)
            case .stuck, .outOfRange:
                break
            }
        }
        return v
    }

    /// A standard normal deviate for a time tick (Box–Muller over two hashed uniforms).
    private func gaussian(tick: UInt64) -> Double {
        let u1 = Self.uniform(Self.mix(self.seed ^ (tick &* 0x9E37_79B9_7F4A_7C15)))
        let u2 = Self.uniform(Self.mix(self.seed &+ 0x632B_E59B_D9B4_E019 ^ (tick &* 0xD1B5_4A32_D192_ED03)))
        return (-2 * _log(max(u1, 1e-300))).squareRoot() * _cos(2 * Double.pi * u2)
    }

    static func uniform(_ x: UInt64) -> Double { Double(x >> 11) * 0x1p-53 }

    /// SplitMix64's finaliser.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h
    }
}
