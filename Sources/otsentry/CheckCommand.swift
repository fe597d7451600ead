import AgentCore
import Arguments

struct CheckCommand {
    let options: BoardOptions

    init(_ arguments: ParsedArguments) throws(UsageError) {
        self.options = try BoardOptions(arguments, usage: CommandLineSpec.usage(CommandLineSpec.check))
    }

    func run() throws {
        let board = try self.options.loadBoard()
        print(CheckReport.render(board), terminator: "")
    }
}
