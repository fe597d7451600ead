import AgentCore
import Arguments
import Glibc

/// The executable: parses the command line and hands over to one command.
@main
enum OTSentry {
    static func main() {
        let parser = CommandLineParser(root: CommandLineSpec.root, version: AgentVersion.current)
        let status: Int32
        do {
            switch try parser.parse(Array(CommandLine.arguments.dropFirst())) {
            case .print(let text):
                ExitStatus.printOut(text)
                status = 0
            case .run(let arguments):
                try Self.run(arguments)
                status = 0
            }
        } catch let error as UsageError {
            ExitStatus.printError("\(error)")
            status = ExitStatus.usage
        } catch let exit as CommandExit {
            status = exit.status
        } catch {
            ExitStatus.printError("Error: \(error)")
            status = ExitStatus.software
        }
        exit(status)
    }

    private static func run(_ arguments: ParsedArguments) throws {
        switch arguments.subcommand {
        case "run": try RunCommand(arguments).run()
        case "check": try CheckCommand(arguments).run()
        case "poll": try PollCommand(arguments).run()
        case "simulate": try SimulateCommand(arguments).run()
        case "replay": try ReplayCommand(arguments).run()
        default: try Self.generate(arguments)
        }
    }

    /// The hidden root options used by Packaging/build-deb.
    private static func generate(_ arguments: ParsedArguments) throws {
        let usage = HelpText.usage(CommandLineSpec.root, parents: [])
        if let shell = arguments.value("generate-completion-script") {
            guard shell == "bash" else { throw UsageError("no completion script for '\(shell)' (only bash)", usage: usage) }
            ExitStatus.printOut(BashCompletion.script(CommandLineSpec.root))
        } else if arguments.isSet("generate-manual") {
            guard let date = arguments.value("manual-date") else {
                throw UsageError("--generate-manual needs --manual-date YYYY-MM-DD", usage: usage)
            }
            let page = ManualPage(root: CommandLineSpec.root, version: AgentVersion.current,
                                  sections: CommandLineSpec.manualSections,
                                  authors: "The otsentry developers <otsentry@example.org>.")
            ExitStatus.printOut(page.render(date: date))
        } else {
            throw UsageError("missing subcommand", usage: usage)
        }
    }
}
