import BoardFile
import Detectors
import Foundation
import Registers
import Simulation
import Testing

/// The demo board (`Boards/demo.yaml`) simulated for its whole 5-minute fault schedule and the start of the next
/// round, from the first sample on, through the detector banks the agent builds for it: every scheduled fault
/// raises its own alert in time and nothing else raises any (start-up included). The values go through the register encoding and decoding the agent sees (an int16 ×
/// 0.1 temperature is quantised to tenths), sampled at each device's poll interval, as `otsentry simulate`
/// serves them; no broker or server is involved (the end-to-end path is `SimulatedFaultTests`).
struct DemoScheduleTests {
    static let board = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Boards/demo.yaml").standardized.path

    struct Opening: CustomStringConvertible {
        var device: String
        var channel: String
        var kind: DetectorKind
        /// The event's time (a spike's: its peak) and the time of the sample that raised it.
        var time: Double
        var raised: Double
        var description: String { "\(self.device)/\(self.channel) \(self.kind.rawValue) at \(self.time) s" }
    }

    /// The alert each fault kind must raise, and the ones it may raise besides.
    static func rules(_ kind: FaultDefinition.Kind) -> (required: Set<DetectorKind>, allowed: Set<DetectorKind>) {
        switch kind {
        case .spike: ([.spike, .score], [.spike, .score])
        case .step, .drift: ([.shift], [.shift])
        case .stuck: ([.flatline], [.flatline])
        // A value far outside the range for seconds: the limit, and on a channel without shift, the score.
        case .outOfRange: ([.range], [.range, .score])
        }
    }

    static func openings(seconds duration: Double) throws -> [Opening] {
        let board = try BoardLoader.load(path: Self.board)
        var openings: [Opening] = []
        for device in board.devices {
            for channel in device.channels where !channel.detectors.isEmpty {
                let model = SignalModel.model(for: channel, device: device.id)
                let bank = DetectorBank(channel.detectors, window: channel.window)
                let interval = device.pollInterval(of: channel).seconds
                var words = [UInt16](repeating: 0, count: max(1, channel.codec.registerCount))
                var t = 0.013
                while t < duration {
                    let value: Double
                    if channel.table.holdsBits {
                        value = model.value(at: t) >= 0.5 ? 1 : 0
                    } else {
                        words.withUnsafeMutableBufferPointer { buffer in
                            RegisterEncoder.encode(channel.scaling.invert(model.value(at: t)), text: "",
                                                   codec: channel.codec, into: buffer)
                        }
                        value = channel.scaling.apply(channel.codec.decode(words))
                    }
                    bank.update(value, at: t)
                    for event in bank.events where event.transition == .open {
                        openings.append(Opening(device: device.id, channel: channel.id, kind: event.kind,
                                                time: event.time, raised: t))
                    }
                    t += interval
                }
            }
        }
        return openings
    }

    /// How soon a fault's alert must open, from its onset (seconds).
    static func deadline(_ fault: FaultDefinition, poll: Double, length: Double) -> Double {
        switch fault.kind {
        case .spike: length + 4 * poll  // known two samples after it is over
        case .step, .outOfRange: 3 * poll + 0.5
        case .drift: fault.detectWithin?.seconds ?? (0.1 * length + 1)
        case .stuck: 23 * poll  // flatline's default run of 20 samples
        }
    }

    @Test func everyScheduledFaultRaisesItsAlertAndNothingElseDoes() throws {
        let board = try BoardLoader.load(path: Self.board)
        let duration = 330.0
        let openings = try Self.openings(seconds: duration)
        var explained = Set<Int>()
        var checked = 0
        for device in board.devices {
            for channel in device.channels where !channel.detectors.isEmpty {
                guard let simulation = channel.simulation else { continue }
                let configured = Set(channel.detectors.kinds)
                let round = simulation.repeatEvery?.seconds ?? .infinity
                let poll = device.pollInterval(of: channel).seconds
                for fault in simulation.faults {
                    let start = fault.at.seconds
                    let length = fault.effectiveDuration?.seconds ?? 60
                    // A step or drift stays until the schedule repeats: its return then is part of it.
                    let end = fault.kind == .step || fault.kind == .drift ? min(round, duration)
                        : start + length
                    let (required, allowed) = Self.rules(fault.kind)
                    let mine = openings.indices.filter { i in
                        let o = openings[i]
                        return o.device == device.id && o.channel == channel.id && o.time >= start - 0.05
                            && o.time <= end + 2 && allowed.contains(o.kind)
                    }
                    explained.formUnion(mine)
                    let wanted = required.intersection(configured)
                    guard !wanted.isEmpty else { continue }
                    checked += 1
                    let first = mine.map { openings[$0] }.filter { wanted.contains($0.kind) }.map(\.raised).min()
                    let within = Self.deadline(fault, poll: poll, length: length)
                    #expect(first.map { $0 - start <= within } == true,
                            "\(device.id)/\(channel.id): \(fault.kind.rawValue) at \(start) s raised none of \(wanted.map(\.rawValue).sorted()) within \(within) s (first: \(first.map { "\($0) s" } ?? "none"))")
                }
            }
        }
        // The demo's 5 faults of detector-watched channels (pressure spike and out of range, stuck ram, oil drift,
        // motor step) and the alarm bit.
        #expect(checked == 6, "\(checked) faults checked")
        let unexplained = openings.indices.filter { !explained.contains($0) }.map { openings[$0] }
        #expect(unexplained.isEmpty, "alerts outside the scheduled faults: \(unexplained)")
    }
}
