import AgentCore
import ArgumentParser
import BoardFile
import Glibc
import Logging

/// Options every subcommand shares.
struct BoardOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The board file.", valueName: "FILE"))
    var board: String = "/etc/otsentry/board.yaml"

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.",
                                            valueName: "LEVEL"))
    var logLevel: String = "info"

    func validate() throws {
        guard Logger.Level(rawValue: self.logLevel) != nil else {
            throw ValidationError("unknown log level \"\(self.logLevel)\"")
        }
    }

    /// Sets up logging to stderr and returns the logger.
    func makeLogger() -> Logger {
        StderrLogHandler.bootstrap(level: Logger.Level(rawValue: self.logLevel) ?? .info)
        return Logger(label: "otsentry")
    }

    /// Loads the board, or prints every diagnostic on stderr and exits with 78 (EX_CONFIG).
    func loadBoard() throws -> Board {
        try Self.load(self.board)
    }

    static func load(_ path: String) throws -> Board {
        do {
            return try BoardLoader.load(path: path)
        } catch {
            ExitStatus.printError("\(error)")
            if case .invalid(let d) = error {
                ExitStatus.printError("\(path): \(d.count) error\(d.count == 1 ? "" : "s")")
            }
            throw ExitCode(ExitStatus.config)
        }
    }
}
