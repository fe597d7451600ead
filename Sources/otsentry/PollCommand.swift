import AgentCore
import Arguments
import BoardFile
import Glibc
import Posix

struct PollCommand {
    let options: BoardOptions
    let device: [String]
    let once: Bool
    let json: Bool

    init(_ arguments: ParsedArguments) throws(UsageError) {
        self.options = try BoardOptions(arguments, usage: CommandLineSpec.usage(CommandLineSpec.poll))
        self.device = arguments.values("device")
        self.once = arguments.isSet("once")
        self.json = arguments.isSet("json")
    }

    func run() throws {
        let board = try self.options.loadBoard()
        let known = Set(board.devices.map(\.id))
        for id in self.device where !known.contains(id) {
            throw UsageError("no device \"\(id)\" in \(board.file) (devices: \(board.devices.map(\.id).joined(separator: ", ")))",
                             usage: CommandLineSpec.usage(CommandLineSpec.poll))
        }
        SignalWaiter.blockHandledSignals()
        let poller: CommissioningPoller
        do {
            poller = try CommissioningPoller(board: board, devices: self.device.isEmpty ? nil : self.device)
        } catch {
            ExitStatus.printError("otsentry poll: \(error)")
            throw CommandExit(ExitStatus.unavailable)
        }
        let terminal = isatty(1) == 1 && !self.json
        let interval = max(poller.interval.nanoseconds, 100_000_000)
        while true {
            let started = MonotonicClock.now()
            let readings = poller.pollOnce()
            var text = self.json ? CommissioningView.jsonLines(readings) : CommissioningView.table(readings)
            if terminal { text = "\u{1B}[H\u{1B}[2J" + text }
            ExitStatus.printOut(self.json || terminal ? text : text + "\n")
            if self.once {
                if readings.contains(where: { $0.error != nil }) { throw CommandExit(ExitStatus.unavailable) }
                return
            }
            if let sig = SignalWaiter.wait(timeoutNanoseconds: max(1, started + interval - MonotonicClock.now())),
               sig != SIGHUP
            {
                return
            }
        }
    }
}
