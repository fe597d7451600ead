import Arguments

/// A small command line shaped like otsentry's: shared options, a repeatable one, flags and required options.
enum ParserFixture {
    static let shared: [OptionSpec] = [
        .value("board", valueName: "FILE", help: "The board file.", default: "/etc/tool/board.yaml", completion: .file),
        .value("log-level", valueName: "LEVEL", help: "Log level.", default: "info",
               completion: .words(["debug", "info", "error"])),
    ]
    static let check = CommandSpec(name: "check", abstract: "Validate the board.", options: shared)
    static let poll = CommandSpec(
        name: "poll", abstract: "Read the devices.",
        discussion: "Read-only. Exit status with --once: 0 when every request succeeded.",
        options: shared + [
            .repeated("device", valueName: "ID", help: "Poll only this device (repeatable)."),
            .flag("once", help: "Read once, print, and exit."),
        ]
    )
    static let replay = CommandSpec(
        name: "replay", abstract: "Replay a CSV.",
        options: [
            .value("in", valueName: "FILE.csv", help: "The input.", required: true, completion: .file),
            .value("out", valueName: "FILE.csv", help: "The output.", required: true, completion: .file),
        ]
    )
    static let root = CommandSpec(
        name: "tool", abstract: "A tool with subcommands.",
        options: [.flag("generate-manual", help: "Print the manual page.", hidden: true)],
        subcommands: [check, poll, replay]
    )
    static let parser = CommandLineParser(root: root, version: "1.2.3")

    static func run(_ arguments: [String]) throws -> ParsedArguments {
        guard case .run(let parsed) = try parser.parse(arguments) else {
            throw UsageError("expected a command to run", usage: "")
        }
        return parsed
    }

    static func usageError(_ arguments: [String]) -> UsageError? {
        do {
            _ = try parser.parse(arguments)
            return nil
        } catch {
            return error
        }
    }
}
