import AgentCore
import ArgumentParser
import BoardFile
import Glibc
import Posix

struct PollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Commissioning view: read the devices with the board's plan and show every channel live.",
        discussion: """
            Shows each channel's raw registers in hex, decoded value, unit, quality and age, refreshed in place on a \
            terminal and as plain lines when piped. Read-only. Exit status with --once: 0 when every request \
            succeeded, 69 when a device failed.
            """
    )

    @OptionGroup var options: BoardOptions

    @Option(name: .long, help: ArgumentHelp("Poll only this device (repeatable).", valueName: "ID"))
    var device: [String] = []

    @Flag(name: .long, help: "Read once, print, and exit.")
    var once = false

    @Flag(name: .long, help: "Print one JSON object per device per cycle.")
    var json = false

    func run() throws {
        let board = try self.options.loadBoard()
        let known = Set(board.devices.map(\.id))
        for id in self.device where !known.contains(id) {
            throw ValidationError("no device \"\(id)\" in \(board.file) (devices: \(board.devices.map(\.id).joined(separator: ", ")))")
        }
        SignalWaiter.blockHandledSignals()
        let poller: CommissioningPoller
        do {
            poller = try CommissioningPoller(board: board, devices: self.device.isEmpty ? nil : self.device)
        } catch {
            ExitStatus.printError("otsentry poll: \(error)")
            throw ExitCode(ExitStatus.unavailable)
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
                if readings.contains(where: { $0.error != nil }) { throw ExitCode(ExitStatus.unavailable) }
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
