import AgentCore
import Arguments
import BoardFile
import Detectors
import Posix

struct ReplayCommand {
    let input: String
    let output: String
    let board: String?
    let channel: String?
    let svg: String?
    let column: String?
    let events: String?

    init(_ arguments: ParsedArguments) throws(UsageError) {
        // Both are required options: the parser has checked they are there.
        self.input = arguments.value("in") ?? ""
        self.output = arguments.value("out") ?? ""
        self.board = arguments.value("board")
        self.channel = arguments.value("channel")
        self.svg = arguments.value("svg")
        self.column = arguments.value("column")
        self.events = arguments.value("events")
        if (self.board == nil) != (self.channel == nil) {
            throw UsageError("--board and --channel go together", usage: CommandLineSpec.usage(CommandLineSpec.replay))
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
                throw UsageError("\(problem) \"\(wanted)\" in \(path)\(matches.count > 1 ? "; write DEVICE/ID" : "")",
                                 usage: CommandLineSpec.usage(CommandLineSpec.replay))
            }
            configuration = channel.detectors
            title = "\(device.id)/\(channel.id) detectors"
        }
        let series: ReplaySeries
        do {
            series = try ReplaySeries.load(path: self.input, column: self.column)
        } catch {
            ExitStatus.printError("\(error)")
            throw CommandExit(ExitStatus.dataError)
        }
        let (rows, intervals, events) = ReplayRunner.run(series, configuration: configuration)
        var outputs = [(self.output, ReplayRunner.csv(series, rows))]
        if let path = self.events { outputs.append((path, ReplayRunner.eventsCSV(series, events))) }
        if let path = self.svg {
            outputs.append((path, SVGChart.render(series, rows: rows, intervals: intervals, title: "\(self.input): \(title)",
                                                  threshold: configuration.score?.parameters.threshold)))
        }
        for (path, text) in outputs {
            do {
                try FileWriter.write(text, to: path)
            } catch {
                ExitStatus.printError("\(path): error: cannot write: \(error)")
                throw CommandExit(ExitStatus.cannotCreate)
            }
        }
    }
}
