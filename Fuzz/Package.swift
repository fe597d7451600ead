// swift-tools-version: 6.1
import Foundation
import PackageDescription

// libFuzzer targets, in their own package so that the agent's build never carries the sanitizers:
//   bash Fuzz/run.sh [SECONDS]        builds with -sanitize=fuzzer,address and runs each target
// The main package is a path dependency; its identity is its directory's name, whatever the clone is called.
let main = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "otsentry-fuzz",
    dependencies: [.package(path: "..")],
    targets: [
        // Declares libFuzzer's driver entry point (SwiftPM executables ignore libFuzzer's own main()).
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzBoard", dependencies: [
            "CFuzzerDriver", .product(name: "BoardFile", package: main),
        ]),
        .executableTarget(name: "FuzzRegisters", dependencies: [
            "CFuzzerDriver", .product(name: "Registers", package: main),
        ]),
        .executableTarget(name: "FuzzDeviceIdentification", dependencies: [
            "CFuzzerDriver", .product(name: "Modbus", package: main),
        ]),
        .executableTarget(name: "FuzzSparkplug", dependencies: [
            "CFuzzerDriver", .product(name: "Sparkplug", package: main),
        ]),
    ]
)
