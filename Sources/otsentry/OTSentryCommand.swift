import ArgumentParser

@main
struct OTSentryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "otsentry",
        abstract: "Edge agent for industrial gateways: polls Modbus devices, watches their signals, publishes over MQTT.",
        discussion: """
            A board file (YAML) declares the gateway, its MQTT broker and its devices; see Boards/README.md (installed as /usr/share/otsentry/boards/README.md).
            Exit status: 0 success, 64 usage error, 69 a peer could not be used, 78 invalid or unreadable board.
            """,
        version: AgentVersionText.value,
        subcommands: [RunCommand.self, CheckCommand.self, PollCommand.self, SimulateCommand.self, ReplayCommand.self]
    )
}
