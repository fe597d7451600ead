import AgentCore
import ArgumentParser
import BoardFile
import Detectors
import Posix

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Run a channel's detector bank, causally, over a timestamp,value CSV.",
        discussion: """
            Writes timestamp,value,anomaly_score,label (NAB's result format): one row per input row, timestamps and \
            values verbatim, the score in full precision, label 1 on each row where an alert opens. Without \
            --board the default bank is used. Exit status 65 for an unreadable CSV (the error names file and line).
            """
    )

    @Option(name: .customLong("in"), help: ArgumentHelp("The input CSV (timestamp,value).", valueName: "FILE.csv"))
    var input: String

    @Option(name: .customLong("out"), help: ArgumentHelp("The result CSV.", valueName: "FILE.csv"))
    var output: String

    @Option(name: .long, help: ArgumentHelp("Take the detectors of --channel from this board.", valueName: "FILE"))
    var board: String?

    @Option(name: .long, help: ArgumentHelp("The channel (ID, or DEVICE/ID when ids repeat).", valueName: "ID"))
    var channel: String?

    @Option(name: .long, help: ArgumentHelp("Also draw the signal, the score and the alerts.", valueName: "FILE.svg"))
    var svg: String?

    func validate() throws {
        if (self.board == nil) != (self.channel == nil) {
            throw ValidationError("--board and --channel go together")
        }
    }

    func run() throws {
        var configuration = DetectorBankConfiguration.default
        var title = "default detector bank"
        if let path = self.board, let wanted = self.channel {
            let board = try BoardOptions.load(path)
            let matches = board.devices.flatMap { d in d.channels.map { (d, $0) } }.filter { d, c in
                c.id == wanted || "\(d.id)/\(c.id)" == wanted
            }
            guard matches.count == 1, let (device, channel) = matches.first else {
                let problem = matches.isEmpty ? "no channel" : "several channels"
                throw ValidationError("\(problem) \"\(wanted)\" in \(path)\(matches.count > 1 ? "; write DEVICE/ID" : "")")
            }
            configuration = channel.detectors
            title = "\(device.id)/\(channel.id) detectors"
        }
        let series: ReplaySeries
        do {
            series = try ReplaySeries.load(path: self.input)
        } catch {
            ExitStatus.printError("\(error)")
            throw ExitCode(ExitStatus.dataError)
        }
        let (rows, intervals) = ReplayRunner.run(series, configuration: configuration)
        do {
            try FileWriter.write(ReplayRunner.csv(series, rows), to: self.output)
            if let svg = self.svg {
                try FileWriter.write(SVGChart.render(series, rows: rows, intervals: intervals,
                                                     title: "\(self.input): \(title)",
                                                     threshold: configuration.score?.parameters.threshold),
                                     to: svg)
            }
        } catch {
            ExitStatus.printError("\(self.output): error: cannot write: \(error)")
            throw ExitCode(ExitStatus.cannotCreate)
        }
    }
}
