// swift-tools-version: 6.1
import Foundation
import PackageDescription

// The main package is a path dependency; its identity is its directory's name, whatever the clone is called.
let main = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

// Benchmarks live in their own package so that the agent's build and tests never pay for them.
//   swift package --package-path Benchmarks benchmark                        run them
//   swift package --package-path Benchmarks benchmark thresholds check       compare with Thresholds/
let package = Package(
    name: "otsentry-benchmarks",
    dependencies: [
        .package(path: ".."),
        // MallocInterposer only: the default RuntimeInterposer trait needs a package outside the local mirror.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // ns and mallocs per sample of each detector and of the default bank (ordo-one/benchmark).
        .executableTarget(
            name: "DetectorBenchmarks",
            dependencies: [
                .product(name: "Detectors", package: main),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/DetectorBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // The default bank's bytes per channel on the heap (README's figure).
        .executableTarget(
            name: "BankMemory",
            dependencies: [
                .product(name: "Detectors", package: main),
                .product(name: "Posix", package: main),
            ]
        ),
        // The agent's poll path against a libmodbus server; driven by poll-throughput.sh next to a plain C loop.
        .executableTarget(
            name: "PollThroughput",
            dependencies: [
                .product(name: "AgentCore", package: main),
                .product(name: "BoardFile", package: main),
            ]
        ),
    ]
)
