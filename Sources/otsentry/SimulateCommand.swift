import AgentCore
import ArgumentParser
import BoardFile
import Glibc
import Simulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve the board's TCP devices from a simulated PLC (libmodbus server) until SIGTERM.",
        discussion: """
            Each channel moves as its `simulate:` section says (level, noise, cycle, scheduled faults); channels \
            without one get noise around a level and a slow cycle. Without --listen, each device is served at its \
            own `tcp:` address.
            """
    )

    @OptionGroup var options: BoardOptions

    @Option(name: .long, help: ArgumentHelp("Serve every device here, told apart by unit id.", valueName: "HOST:PORT"))
    var listen: String?

    func run() throws {
        let board = try self.options.loadBoard()
        let logger = self.options.makeLogger()
        var endpoint: Endpoint?
        if let listen {
            switch Endpoint.parse(listen, defaultPort: 502) {
            case .success(let e): endpoint = e
            case .failure(let e): throw ValidationError("--listen \(listen): \(e.message)")
            }
        }
        SignalWaiter.blockHandledSignals()
        let simulator: Simulator
        do {
            simulator = try Simulator(board: board, listen: endpoint, logger: logger)
        } catch {
            logger.critical("cannot simulate", metadata: ["error": "\(error)"])
            throw ExitCode(ExitStatus.unavailable)
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
