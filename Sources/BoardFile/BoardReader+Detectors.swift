import Detectors
import YAML

extension BoardReader {
    static let commonDetectorKeys = ["severity", "min_duration", "update_interval", "clear_after", "warmup"]
    static let detectorKeys: [DetectorKind: [String]] = [
        .range: ["min", "max", "deadband"],
        .rate: ["max_per_s"],
        .spike: ["threshold", "window", "learn_z"],
        .shift: ["threshold", "drift"],
        .flatline: ["epsilon", "for"],
        .score: ["threshold"],
        .spoof: ["window", "frozen", "min_changes"],
    ]

    /// `detectors:`: a mapping from detector name to its settings (`{}` for the defaults). Only the detectors
    /// listed watch the channel; `detectors: {}` turns detection off.
    func readDetectors(_ node: YAMLNode, path: String, window: Int) -> DetectorBankConfiguration {
        guard let m = MappingReader(node, path: path, sink: self.sink) else { return .none }
        m.finish(known: DetectorKind.allCases.map(\.rawValue))
        var bank = DetectorBankConfiguration.none
        for kind in DetectorKind.allCases {
            guard let entry = m.node(kind.rawValue) else { continue }
            let keyPath = m.child(kind.rawValue)
            if case .scalar(let s) = entry, s.value == "false", s.style == .plain { continue }
            let empty = YAMLNode.mapping(YAMLMapping(entries: [], mark: entry.mark))
            let settingsNode: YAMLNode
            if case .scalar(let s) = entry, s.isNull || (s.value == "true" && s.style == .plain) {
                settingsNode = empty
            } else {
                settingsNode = entry
            }
            guard let d = MappingReader(settingsNode, path: keyPath, sink: self.sink) else { continue }
            d.finish(known: Self.commonDetectorKeys + (Self.detectorKeys[kind] ?? []))
            var policy = DetectorBankConfiguration.defaultPolicy(kind)
            policy.severity = d.choice("severity", Severity.self) ?? policy.severity
            let span: ClosedRange<Duration> = .zero...(.seconds(86400))
            policy.minDuration = d.duration("min_duration", in: span)?.seconds ?? policy.minDuration
            policy.updateInterval = d.duration("update_interval", in: span)?.seconds ?? policy.updateInterval
            policy.clearAfter = d.duration("clear_after", in: span)?.seconds ?? policy.clearAfter
            let warmup = d.integer("warmup", in: 0...1_000_000) ?? DetectorSetting<RangeDetector.Parameters>.defaultWarmup
            switch kind {
            case .range:
                var p = RangeDetector.Parameters(min: d.number("min"), max: d.number("max"), deadband: d.number("deadband") ?? 0)
                if p.min == nil && p.max == nil {
                    self.sink.error(d.mapping.mark, keyPath, "range needs min, max or both")
                }
                if let lo = p.min, let hi = p.max, lo > hi, let s = d.scalar("max") {
                    self.sink.error(s.mark, d.child("max"), "max (\(hi)) must not be below min (\(lo))")
                }
                if p.deadband < 0, let s = d.scalar("deadband") {
                    self.sink.error(s.mark, d.child("deadband"), "must be ≥ 0")
                    p.deadband = 0
                }
                bank.range = DetectorSetting(p, policy: policy, warmup: d.integer("warmup", in: 0...1_000_000) ?? 0)
            case .rate:
                let limit = d.number("max_per_s", required: true) ?? 1
                if limit <= 0, let s = d.scalar("max_per_s") { self.sink.error(s.mark, d.child("max_per_s"), "must be > 0") }
                bank.rate = DetectorSetting(RateDetector.Parameters(maxPerSecond: limit), policy: policy,
                                            warmup: d.integer("warmup", in: 0...1_000_000) ?? 0)
            case .spike:
                var p = SpikeDetector.Parameters()
                p.threshold = self.positive(d, "threshold")
                p.window = d.integer("window", in: 16...4096) ?? p.window
                p.learnZ = self.positive(d, "learn_z") ?? p.learnZ
                bank.spike = DetectorSetting(p, policy: policy, warmup: warmup)
            case .shift:
                var p = ShiftDetector.Parameters()
                p.threshold = self.positive(d, "threshold")
                p.drift = self.positive(d, "drift") ?? p.drift
                bank.shift = DetectorSetting(p, policy: policy, warmup: warmup)
            case .flatline:
                var p = FlatlineDetector.Parameters()
                p.epsilon = d.number("epsilon") ?? p.epsilon
                if p.epsilon < 0, let s = d.scalar("epsilon") { self.sink.error(s.mark, d.child("epsilon"), "must be ≥ 0") }
                if let s = d.scalar("for"), s.style == .plain, let samples = Int(s.value) {
                    if samples >= 2 && samples <= 1_000_000 { p.forSamples = samples } else {
                        self.sink.error(s.mark, d.child("for"), "expected 2 to 1000000 samples, or a duration")
                    }
                } else {
                    p.forSeconds = d.duration("for", in: .milliseconds(1)...(.seconds(86400)))?.seconds
                }
                bank.flatline = DetectorSetting(p, policy: policy, warmup: warmup)
            case .score:
                var p = ScoreDetector.Parameters()
                if let t = d.number("threshold") {
                    if t > 0 && t < 1 {
                        p.threshold = t
                    } else if let s = d.scalar("threshold") {
                        self.sink.error(s.mark, d.child("threshold"), "must be between 0 and 1 (exclusive)")
                    }
                }
                bank.score = DetectorSetting(p, policy: policy, warmup: warmup)
            case .spoof:
                var p = SpoofDetector.Parameters()
                p.window = d.integer("window", in: 4...1024) ?? p.window
                p.frozen = d.integer("frozen", in: 2...1_000_000) ?? p.frozen
                p.minChanges = d.integer("min_changes", in: 1...1024) ?? min(p.minChanges, p.window / 2)
                if p.minChanges > p.window, let s = d.scalar("min_changes") {
                    self.sink.error(s.mark, d.child("min_changes"), "must not exceed window (\(p.window))")
                }
                if p.window > window, let s = d.scalar("window") {
                    self.sink.error(s.mark, d.child("window"), "must not exceed the channel's window (\(window))")
                }
                bank.spoof = DetectorSetting(p, policy: policy, warmup: d.integer("warmup", in: 0...1_000_000) ?? 0)
            }
        }
        return bank
    }

    private func positive(_ d: MappingReader, _ key: String) -> Double? {
        guard let value = d.number(key) else { return nil }
        if value <= 0, let s = d.scalar(key) {
            self.sink.error(s.mark, d.child(key), "must be > 0")
            return nil
        }
        return value
    }
}
