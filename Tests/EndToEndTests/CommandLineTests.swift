import Foundation
import Modbus
import TestSupport
import Testing

/// The `otsentry` executable: exit statuses, diagnostics on stderr, `check`, `simulate`, `--version`.
struct CommandLineTests {
    static let demoBoard = Executables.repositoryRoot + "/Boards/demo.yaml"

    @Test(arguments: ["check", "run", "simulate"])
    func invalidBoardExits78WithEveryDiagnostic(_ subcommand: String) throws {
        let dir = TemporaryDirectory()
        let path = dir.write("bad.yaml", """
            gateway: line 1
            mqtt: {url: "mqtt://127.0.0.1:1883", qos: 5}
            devices:
              - id: plc
                tcp: 127.0.0.1:502
                channels:
                  - {id: a, table: holding, address: 0, type: float32}
                  - {id: b, table: holding, address: 1, type: int16}
            """)
        let (status, _, stderr) = try runOTSentry([subcommand, "--board", path])
        #expect(status == 78)
        let lines = stderr.split(separator: "\n").map(String.init)
        #expect(lines == [
            "\(path):1:10: error: gateway: \"line 1\" is not a valid id ([a-z0-9][a-z0-9_-]*, at most 64 characters)",
            "\(path):2:43: error: mqtt.qos: 5 is out of range (0 to 2)",
            "\(path):8:9: error: devices[0].channels[1].address: holding register 1 overlaps channel \"a\" (holding registers 0..1)",
            "\(path): 3 errors",
        ])
    }

    @Test(arguments: ["check", "run"])
    func missingBoardExits78NamingTheFile(_ subcommand: String) throws {
        let (status, _, stderr) = try runOTSentry([subcommand, "--board", "/nonexistent/board.yaml"])
        #expect(status == 78)
        #expect(stderr.contains("/nonexistent/board.yaml: error: cannot open: No such file or directory"))
    }

    @Test func checkDefaultsToEtcBoard() throws {
        let (status, _, stderr) = try runOTSentry(["check"])
        // On a machine without /etc/otsentry/board.yaml this names the default path.
        if !FileManager.default.fileExists(atPath: "/etc/otsentry/board.yaml") {
            #expect(status == 78)
            #expect(stderr.contains("/etc/otsentry/board.yaml"))
        }
    }

    @Test func checkPrintsDevicesChannelsRequestsAndRingBytes() throws {
        let (status, stdout, _) = try runOTSentry(["check", "--board", Self.demoBoard])
        #expect(status == 0)
        #expect(stdout.contains("board \(Self.demoBoard): valid"))
        #expect(stdout.contains("device press-plc: tcp 127.0.0.1:15020, unit 1, poll every 100ms, timeout 500ms"))
        #expect(stdout.contains("hydraulic_pressure  holding   100      -         float32     ABCD"))
        // Modicon 40201 resolves to holding register 200, polled every second in its own group.
        #expect(stdout.contains("pressure_setpoint   holding   200      40201     float32     ABCD"))
        #expect(stdout.contains("  every 1s: 1 requests, 2 registers, 0 bits\n    fc 3 holding 200..201 (2 registers): pressure_setpoint"))
        #expect(stdout.contains("requests per poll cycle: 6 (36 registers, 2 bits)"))
        // Gaps of up to max_gap (10) registers are bridged; bits and bytes of registers 120 and 121 are read once.
        #expect(stdout.contains("fc 3 holding 100..121 (22 registers): hydraulic_pressure, oil_temperature, ram_position, "
                                + "stroke_count, alarm_active, hydraulic_ready, press_mode, press_stage"))
        #expect(stdout.contains("total: 2 devices, 18 channels, 9 requests per poll cycle, 104800 bytes preallocated for rings"))
    }

    @Test func versionFlag() throws {
        let (status, stdout, _) = try runOTSentry(["--version"])
        #expect(status == 0)
        #expect(stdout == "0.1.0\n")
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let (status, _, stderr) = try runOTSentry(["frobnicate"])
        #expect(status == 64)
        #expect(stderr.hasPrefix("Error: unknown subcommand 'frobnicate'"))
    }

    @Test func aMistypedOptionIsAUsageErrorWithASuggestion() throws {
        let (status, _, stderr) = try runOTSentry(["check", "--bord", Self.demoBoard])
        #expect(status == 64)
        #expect(stderr.hasPrefix("Error: unknown option '--bord'; did you mean '--board'?\nUsage: otsentry check"))
    }

    @Test func helpNamesEveryOptionOfTheCommand() throws {
        let (status, stdout, _) = try runOTSentry(["help", "replay"])
        #expect(status == 0)
        for option in ["--in <FILE.csv>", "--out <FILE.csv>", "--board <FILE>", "--channel <ID>", "--svg <FILE.svg>"] {
            #expect(stdout.contains("\n  \(option) "), "\(option)")
        }
    }

    /// What the package ships: the completion script completes the real subcommands, and the manual page has
    /// every subcommand and no groff warning.
    @Test func theCompletionScriptAndManualPageDescribeTheRealCommandLine() throws {
        let (status, script, _) = try runOTSentry(["--generate-completion-script", "bash"])
        #expect(status == 0)
        let dir = TemporaryDirectory()
        let path = dir.write("otsentry.bash", script)
        let (bashStatus, words, _) = try runProcess("/bin/bash", ["-c", """
            source \(path)
            COMP_WORDS=(otsentry ''); COMP_CWORD=1; _otsentry; printf '%s ' "${COMPREPLY[@]}"; echo
            COMP_WORDS=(otsentry poll --); COMP_CWORD=2; _otsentry; printf '%s ' "${COMPREPLY[@]}"
            """])
        #expect(bashStatus == 0)
        #expect(words == "run check poll simulate replay help --help --version \n"
                + "--board --log-level --device --once --json --help ")
        let (manStatus, page, _) = try runOTSentry(["--generate-manual", "--manual-date", "2026-11-26"])
        #expect(manStatus == 0)
        for command in ["run", "check", "poll", "simulate", "replay"] {
            #expect(page.contains(".SS \"otsentry \(command)\"\n"), "\(command)")
        }
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/groff") {
            let manual = dir.write("otsentry.1", page)
            let (groffStatus, _, warnings) = try runProcess("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", manual])
            #expect(groffStatus == 0)
            #expect(warnings == "")
        }
    }

    @Test func simulatorServesTheDemoBoardWithMovingValues() throws {
        let port = FreePort.allocate()
        let sim = try ChildProcess(Executables.otsentry, ["simulate", "--board", Self.demoBoard,
                                                          "--listen", "127.0.0.1:\(port)"])
        defer { sim.terminate() }
        #expect(waitUntil(seconds: 10) { FreePort.isListening(port) }, "simulator log:\n\(sim.stderr)")
        let connection = try ModbusConnection(tcpHost: "127.0.0.1", port: port)
        connection.setTimeout(nanoseconds: 500_000_000)
        try connection.connect()
        var words = [UInt16](repeating: 0, count: 4)
        var pressures: [Double] = []
        for _ in 0..<5 {
            try words.withUnsafeMutableBufferPointer {
                try connection.readRegisters(.holding, address: 100, into: UnsafeMutableBufferPointer(rebasing: $0[0..<2]))
            }
            pressures.append(Double(Float(bitPattern: UInt32(words[0]) << 16 | UInt32(words[1]))))
            sleepSeconds(0.05)
        }
        // Level 180 bar, noise 1.5, cycle amplitude 5: every reading near the level, and not all equal.
        #expect(pressures.allSatisfy { abs($0 - 180) < 20 }, "\(pressures)")
        #expect(Set(pressures).count > 1)
        // The line meter (unit 2) is served on the same port: voltage_l1, float32 CDAB, near 230 V.
        connection.setUnit(2)
        try words.withUnsafeMutableBufferPointer {
            try connection.readRegisters(.input, address: 0, into: UnsafeMutableBufferPointer(rebasing: $0[0..<2]))
        }
        let volts = Double(Float(bitPattern: UInt32(words[1]) << 16 | UInt32(words[0])))
        #expect(abs(volts - 230) < 10, "\(volts)")
        sim.signal(SIGTERM)
        #expect(sim.wait(seconds: 5) == 0)
    }
}
