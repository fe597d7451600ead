import Arguments

/// The command line of `otsentry`: parsed, shown by `--help`, written into the manual page and the bash completion
/// from this one description.
enum CommandLineSpec {
    static let boardOptions: [OptionSpec] = [
        .value("board", valueName: "FILE", help: "The board file.", default: "/etc/otsentry/board.yaml",
               completion: .file),
        .value("log-level", valueName: "LEVEL",
               help: "Log level: trace, debug, info, notice, warning, error, critical.", default: "info",
               completion: .words(["trace", "debug", "info", "notice", "warning", "error", "critical"])),
    ]

    static let run = CommandSpec(
        name: "run",
        abstract: "Run the agent: poll the board's devices and publish status and summaries until SIGTERM.",
        discussion: """
            SIGHUP re-reads the board (an invalid one is rejected and the old one keeps running); SIGTERM or SIGINT \
            stops polling, flushes the spool, publishes the offline status and exits 0. Under systemd (Type=notify) \
            the agent reports READY=1 once polling runs and WATCHDOG=1 while every bus makes progress.
            """,
        options: boardOptions
    )

    static let check = CommandSpec(
        name: "check",
        abstract: "Validate the board; print its devices, channels, the requests of one poll cycle and the ring memory.",
        options: boardOptions
    )

    static let poll = CommandSpec(
        name: "poll",
        abstract: "Commissioning view: read the devices with the board's plan and show every channel live.",
        discussion: """
            Shows each channel's raw registers in hex, decoded value, unit, quality and age, refreshed in place on a \
            terminal and as plain lines when piped. Read-only. Exit status with --once: 0 when every request \
            succeeded, 69 when a device failed.
            """,
        options: boardOptions + [
            .repeated("device", valueName: "ID", help: "Poll only this device (repeatable)."),
            .flag("once", help: "Read once, print, and exit."),
            .flag("json", help: "Print one JSON object per device per cycle."),
        ]
    )

    static let simulate = CommandSpec(
        name: "simulate",
        abstract: "Serve the board's TCP devices from a simulated PLC (libmodbus server) until SIGTERM.",
        discussion: """
            Each channel moves as its simulate: section says (level, noise, cycle, scheduled faults); channels \
            without one get noise around a level and a slow cycle. Without --listen, each device is served at its \
            own tcp: address.
            """,
        options: boardOptions + [
            .value("listen", valueName: "HOST:PORT", help: "Serve every device here, told apart by unit id."),
        ]
    )

    static let replay = CommandSpec(
        name: "replay",
        abstract: "Run a channel's detector bank, causally, over a recorded series (CSV).",
        discussion: """
            Reads a timestamp column (the first) and a value column (--column NAME, else the one named value, else \
            the second of two); LF, CRLF or CR line endings, a UTF-8 BOM, comma, semicolon or tab separators and \
            quoted fields; \
            timestamps YYYY-MM-DD HH:MM:SS[.fff], ISO 8601 with T, Z or an offset, or epoch seconds. Writes \
            timestamp,value,anomaly_score,label,alert (NAB's result format and the alarm state): one row per \
            input row, timestamps and values verbatim, the score in full precision, label 1 on each row where an \
            alert opens, alert 1 on each row after which an alert is open. Without --board the default bank is \
            used. Exit status 65 for an unreadable CSV (the error names file and line).
            """,
        options: [
            .value("in", valueName: "FILE.csv", help: "The input CSV (timestamp and value columns).", required: true,
                   completion: .file),
            .value("out", valueName: "FILE.csv", help: "The result CSV.", required: true, completion: .file),
            .value("column", valueName: "NAME", help: "Take the values from this column of a wider file."),
            .value("board", valueName: "FILE", help: "Take the detectors of --channel from this board.",
                   completion: .file),
            .value("channel", valueName: "ID", help: "The channel (ID, or DEVICE/ID when ids repeat)."),
            .value("svg", valueName: "FILE.svg", help: "Also draw the signal, the score and the alerts.",
                   completion: .file),
            .value("events", valueName: "FILE.csv",
                   help: "Also write every alert event: where it was raised, the sample it describes, value, score.",
                   completion: .file),
        ]
    )

    static let root = CommandSpec(
        name: "otsentry",
        abstract: "Edge agent for industrial gateways: polls Modbus devices, watches their signals, publishes over MQTT.",
        discussion: """
            A board file (YAML) declares the gateway, its MQTT broker and its devices; see Boards/README.md \
            (installed as /usr/share/otsentry/boards/README.md).
            Exit status: 0 success, 64 usage error, 69 a peer could not be used, 78 invalid or unreadable board.
            """,
        options: [
            // For packaging: the bash completion script and the manual page come from this description.
            .value("generate-completion-script", valueName: "SHELL", help: "Print the completion script (bash).",
                   hidden: true),
            .flag("generate-manual", help: "Print the manual page (roff).", hidden: true),
            .value("manual-date", valueName: "YYYY-MM-DD", help: "The date on the manual page.", hidden: true),
        ],
        subcommands: [run, check, poll, simulate, replay]
    )

    static let manualSections: [ManualPage.Section] = [
        ManualPage.Section("Exit status", [
            "0 success; 64 usage error; 65 unreadable input data (replay); 69 a peer (PLC, broker, serial port) "
                + "could not be used; 73 an output file could not be written; 78 invalid or unreadable board "
                + "(systemd does not restart the service on 78).",
        ]),
        ManualPage.Section("Files", [
            "/etc/otsentry/board.yaml: the default board file.",
            "/usr/share/otsentry/boards/: the board reference, gateway examples and device profiles "
                + "(profile: NAME in a device).",
            "/var/lib/otsentry/: the state directory (spool, sequence numbers, detector snapshots); "
                + "$STATE_DIRECTORY overrides it.",
        ]),
        ManualPage.Section("See also", ["systemctl(1), mosquitto_sub(1)"]),
    ]

    /// The usage line of a subcommand, for errors found after parsing.
    static func usage(_ command: CommandSpec) -> String {
        HelpText.usage(command, parents: [root.name])
    }
}
