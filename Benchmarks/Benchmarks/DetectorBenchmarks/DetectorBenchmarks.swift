import Benchmark
import Detectors

/// A deterministic test signal: a slow cycle, noise, and now and then a spike or a step, as a machine channel
/// polled 10 times a second would show. Precomputed, so that the benchmarks measure the detectors only.
func makeSignal(count: Int) -> [Double] {
    var state: UInt64 = 42
    func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) * 0x1p-53
    }
    var values: [Double] = []
    values.reserveCapacity(count)
    var level = 100.0
    for i in 0..<count {
        if i % 5000 == 4999 { level += 20 * (uniform() - 0.5) }
        var x = level + 5 * (Double(i % 600) / 600 - 0.5) + (uniform() + uniform() + uniform() - 1.5)
        if i % 2500 == 1234 { x += 40 }
        values.append(x)
    }
    return values
}

/// The footprint's signal (Benchmarks/poll/bench_server.c `noise`): a register at a fixed level with triangular
/// integer noise of -4..4 counts, no period, and a +400 spike of 3 samples
/// every 20,000 (each of the 1,000 registers spikes in turn, one every 2 s).
func makeRegisterNoise(count: Int) -> [Double] {
    var state: UInt64 = 7
    func die() -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % 5)
    }
    return (0..<count).map { i in Double(1000 + die() + die() - 4 + (i % 20_000 < 3 ? 400 : 0)) }
}

let signal = makeSignal(count: 1 << 16)
let registerNoise = makeRegisterNoise(count: 1 << 16)
let mask = signal.count - 1

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .nanoseconds,
        warmupIterations: 0,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 20_000,
        // Committed thresholds (Thresholds/*.p90.json, per 1,000 samples): mallocs may not grow beyond the
        // harness's own (the "empty loop" floor), time may not grow by more than 35 % (a shared 2-core machine).
        thresholds: [
            .mallocCountTotal: .init(absolute: [.p90: 4]),
            .wallClock: .init(relative: [.p90: 35]),
        ]
    )

    // The harness's own floor: a loop that does nothing but read the signal.
    Benchmark("empty loop (harness floor)") { benchmark in
        var i = 0
        var sum = 0.0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            sum += signal[i & mask]
            i += 1
        }
        benchmark.stopMeasurement()
        blackHole(sum)
    }

    /// One iteration = 1,000 samples (scalingFactor .kilo), so ns per iteration / 1000 = ns per sample. Each bank
    /// is warmed up with 4,096 samples first: the figures are the steady state.
    func bench(_ name: String, _ configuration: DetectorBankConfiguration, signal: [Double] = signal) {
        Benchmark(name) { benchmark in
            let bank = DetectorBank(configuration)
            var i = 0
            for _ in 0..<4096 {
                bank.update(signal[i & mask], at: Double(i) * 0.1)
                i += 1
            }
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                bank.update(signal[i & mask], at: Double(i) * 0.1)
                i += 1
            }
            benchmark.stopMeasurement()
            blackHole(bank.lastScore)
        }
    }

    let policy = AlertPolicy()
    bench("range", DetectorBankConfiguration(range: DetectorSetting(.init(min: 0, max: 130), policy: policy)))
    bench("rate", DetectorBankConfiguration(rate: DetectorSetting(.init(maxPerSecond: 100), policy: policy)))
    bench("spike", DetectorBankConfiguration(spike: DetectorSetting(.init(), policy: policy)))
    bench("shift", DetectorBankConfiguration(shift: DetectorSetting(.init(), policy: policy)))
    bench("flatline", DetectorBankConfiguration(flatline: DetectorSetting(.init(), policy: policy)))
    bench("default bank (window 1024)", .default)
    bench("default bank (register noise)", .default, signal: registerNoise)
}
