import AgentCore
import ArgumentParser

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the agent: poll the board's devices and publish status and summaries until SIGTERM."
    )

    @OptionGroup var options: BoardOptions

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
            throw ExitCode(error.isConfiguration ? ExitStatus.config : ExitStatus.unavailable)
        }
    }
}
