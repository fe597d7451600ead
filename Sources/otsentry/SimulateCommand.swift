import AgentCore
import Arguments
import BoardFile
import Glibc
import Simulation

struct SimulateCommand {
    let options: BoardOptions
    let listen: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        self.options = try BoardOptions(arguments, usage: CommandLineSpec.usage(CommandLineSpec.simulate))
        self.listen = arguments.value("listen")
    }

    func run() throws {
        let board = try self.options.loadBoard()
        let logger = self.options.makeLogger()
        var endpoint: Endpoint?
        if let listen {
            switch Endpoint.parse(listen, defaultPort: 502) {
            case .success(let e): endpoint = e
            case .failure(let e): throw UsageError("--listen \(listen): \(e.message)", usage: CommandLineSpec.usage(CommandLineSpec.simulate))
            }
        }
        SignalWaiter.blockHandledSignals()
        let simulator: Simulator
        do {
            simulator = try Simulator(board: board, listen: endpoint, logger: logger)
        } catch {
            logger.critical("cannot simulate", metadata: ["error": "\(error)"])
            throw CommandExit(ExitStatus.unavailable)
        }
        simulator.run()
        while true {
            guard let sig = SignalWaiter.wait(timeoutNanoseconds: 1_000_000_000) else { continue }
            if sig == SIGHUP { continue }
            logger.info("stopping", metadata: ["signal": "\(SignalWaiter.name(sig))"])
            break
        }
        simulator.shutdown()
    }
}
