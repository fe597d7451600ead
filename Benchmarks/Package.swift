// swift-tools-version: 6.1
import PackageDescription

// Benchmarks live in their own package so that the agent's build and tests never pay for them.
let package = Package(
    name: "otsentry-benchmarks",
    dependencies: [
        .package(path: "..")
    ],
    targets: [
        // The agent's poll path against a libmodbus server; driven by poll-throughput.sh next to a plain C loop.
        .executableTarget(
            name: "PollThroughput",
            dependencies: [
                .product(name: "AgentCore", package: "main"),
                .product(name: "BoardFile", package: "main"),
            ]
        )
    ]
)
