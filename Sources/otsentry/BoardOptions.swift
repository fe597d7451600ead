import AgentCore
import Arguments
import BoardFile
import Glibc
import Logging

/// Options every subcommand shares.
struct BoardOptions {
    let board: String
    let logLevel: Logger.Level

    init(_ arguments: ParsedArguments, usage: String) throws(UsageError) {
        self.board = arguments.value("board") ?? "/etc/otsentry/board.yaml"
        let level = arguments.value("log-level") ?? "info"
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw UsageError("unknown log level '\(level)' (trace, debug, info, notice, warning, error, critical)",
                             usage: usage)
        }
        self.logLevel = logLevel
    }

    /// Sets up logging to stderr and returns the logger.
    func makeLogger() -> Logger {
        StderrLogHandler.bootstrap(level: self.logLevel)
        return Logger(label: "otsentry")
    }

    /// Loads the board, or prints every diagnostic on stderr and exits with 78 (EX_CONFIG).
    func loadBoard() throws(CommandExit) -> Board {
        try Self.load(self.board)
    }

    static func load(_ path: String) throws(CommandExit) -> Board {
        do {
            return try BoardLoader.load(path: path)
        } catch {
            ExitStatus.printError("\(error)")
            if case .invalid(let d) = error {
                ExitStatus.printError("\(path): \(d.count) error\(d.count == 1 ? "" : "s")")
            }
            throw CommandExit(ExitStatus.config)
        }
    }
}
