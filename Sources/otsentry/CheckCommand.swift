import AgentCore
import ArgumentParser

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the board; print its devices, channels, the requests of one poll cycle and the ring memory."
    )

    @OptionGroup var options: BoardOptions

    func run() throws {
        let board = try self.options.loadBoard()
        print(CheckReport.render(board), terminator: "")
    }
}
