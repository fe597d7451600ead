import AgentCore
import Arguments

struct RunCommand {
    let options: BoardOptions

    init(_ arguments: ParsedArguments) throws(UsageError) {
        self.options = try BoardOptions(arguments, usage: CommandLineSpec.usage(CommandLineSpec.run))
    }

    func run() throws {
        let board = try self.options.loadBoard()
        let logger = self.options.makeLogger()
        // Before any thread exists, so that every thread inherits the mask and signals reach sigtimedwait.
        SignalWaiter.blockHandledSignals()
        do {
            let agent = try Agent(board: board, logger: logger)
            try agent.run()
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw CommandExit(error.isConfiguration ? ExitStatus.config : ExitStatus.unavailable)
        }
    }
}
