// swift-tools-version: 6.1
import PackageDescription

// Dependencies are kept few on purpose: each one is rebuilt from scratch in every CI run.
// The C libraries come from Debian and sit behind system-library targets, each imported by
// exactly one Swift wrapper module (CModbus → Modbus, CMosquitto → Mosquitto, CYAML → YAML).
let package = Package(
    name: "otsentry",
    products: [
        .executable(name: "otsentry", targets: ["otsentry"]),
        // For the benchmark and fuzzing packages under Benchmarks/ and Fuzz/ (not a public API).
        .library(name: "AgentCore", targets: ["AgentCore"]),
        .library(name: "Detectors", targets: ["Detectors"]),
        .library(name: "BoardFile", targets: ["BoardFile"]),
        .library(name: "Registers", targets: ["Registers"]),
        .library(name: "Modbus", targets: ["Modbus"]),
        .library(name: "Sparkplug", targets: ["Sparkplug"]),
        .library(name: "Posix", targets: ["Posix"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // Tests only: the swift-protobuf types of sparkplug_b.proto check the agent's own Sparkplug encoder
        // (the agent does not link it: its runtime brings FoundationEssentials, several MB past the 12 MB target).
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C libraries from Debian.
        .systemLibrary(name: "CModbus", pkgConfig: "libmodbus", providers: [.apt(["libmodbus-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),

        // Wrappers: the only importers of their C module.
        .target(name: "Modbus", dependencies: ["CModbus", "Registers", "Posix"]),
        .target(name: "Mosquitto", dependencies: ["CMosquitto", "Posix"]),
        .target(name: "YAML", dependencies: ["CYAML"]),

        // Pure Swift: threads, clocks and files over Glibc; register decoding; board files; rings and statistics.
        .target(name: "CPosix"),
        .target(name: "Posix", dependencies: ["CPosix"]),
        .target(name: "Registers"),
        .target(name: "BoardFile", dependencies: ["YAML", "Registers", "Posix", "Detectors"]),
        .target(name: "Detectors"),
        .target(name: "Spool", dependencies: ["Posix"]),
        // Sparkplug B payloads: a proto2 encoder and decoder for `sparkplug_b.proto`'s Payload (no Foundation).
        .target(name: "Sparkplug"),
        // The command line: parsing, --help, the manual page and bash completion from one description.
        .target(name: "Arguments"),

        // The agent and the simulator.
        .target(
            name: "AgentCore",
            dependencies: [
                "BoardFile", "Registers", "Detectors", "Modbus", "Mosquitto", "Posix", "Spool", "Sparkplug",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Simulation",
            dependencies: [
                "BoardFile", "Registers", "Modbus", "AgentCore", "Posix",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "otsentry",
            dependencies: [
                "AgentCore", "BoardFile", "Simulation", "Arguments",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Test helpers: real peers (mosquitto processes, libmodbus servers, child processes).
        .target(name: "TestSupport", dependencies: ["Modbus", "Mosquitto", "Posix"], path: "Tests/Support", exclude: ["validate_alerts.py", "decode_sparkplug.py"]),
        .testTarget(name: "RegistersTests", dependencies: ["Registers"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "ArgumentsTests", dependencies: ["Arguments", "TestSupport"]),
        .testTarget(name: "BoardFileTests", dependencies: ["BoardFile", "Registers"], exclude: ["Fixtures"]),
        .testTarget(name: "DetectorsTests", dependencies: ["Detectors"]),
        .testTarget(
            name: "SparkplugTests",
            dependencies: ["Sparkplug", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "BoardFile", "Detectors", "Registers"]),
        .testTarget(name: "SpoolTests", dependencies: ["Spool", "Posix", "TestSupport"]),
        .testTarget(name: "ModbusTests", dependencies: ["Modbus", "Registers", "TestSupport"]),
        .testTarget(name: "MosquittoTests", dependencies: ["Mosquitto", "TestSupport"]),
        .testTarget(
            name: "AgentCoreTests", dependencies: ["AgentCore", "BoardFile", "Detectors", "TestSupport"], exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "InteropTests", dependencies: ["TestSupport", "Modbus", "Registers"], path: "Tests/Interop",
            exclude: ["pymodbus_cases.py", "pymodbus_identity_server.py"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["TestSupport", "Modbus", "Mosquitto", "Registers"]
        ),
    ]
)
