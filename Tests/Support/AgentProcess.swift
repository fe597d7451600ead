import Foundation

/// An `otsentry` child process started on a board written to a temporary file.
public final class AgentProcess: @unchecked Sendable {
    public let directory = TemporaryDirectory(prefix: "otsentry-agent")
    public let boardPath: String
    public let child: ChildProcess

    /// The state directory given to the agent (`$STATE_DIRECTORY`), private to this process unless told.
    public let stateDirectory: String

    /// Writes `board` to `board.yaml` and runs `otsentry <subcommand> --board board.yaml <extra>`, with a state
    /// directory of its own (or `stateDirectory`).
    public init(board: String, subcommand: String = "run", extra: [String] = [], environment: [String: String] = [:],
                stateDirectory: String? = nil) throws
    {
        self.boardPath = self.directory.write("board.yaml", board)
        self.stateDirectory = stateDirectory ?? self.directory.file("state")
        var env = environment
        env["STATE_DIRECTORY"] = env["STATE_DIRECTORY"] ?? self.stateDirectory
        self.child = try ChildProcess(Executables.otsentry, [subcommand, "--board", self.boardPath] + extra,
                                      environment: env)
    }

    public var log: String { self.child.stderr }

    deinit { self.child.terminate() }
}

/// A gateway id unique to one test, so tests sharing a broker never see each other's topics.
public func uniqueGateway(_ stem: String) -> String {
    "\(stem)-\(UInt32.random(in: 0...UInt32.max))"
}

/// Runs `otsentry` with `arguments` to completion; returns (status, stdout, stderr).
public func runOTSentry(_ arguments: [String], seconds: Double = 30) throws -> (Int32, String, String) {
    let child = try ChildProcess(Executables.otsentry, arguments)
    guard let status = child.wait(seconds: seconds) else {
        child.terminate()
        throw TestFailure("otsentry \(arguments.joined(separator: " ")) did not finish in \(seconds) s")
    }
    return (status, child.stdout, child.stderr)
}

/// Runs any program to completion; returns (status, stdout, stderr).
public func runProcess(_ executable: String, _ arguments: [String], seconds: Double = 30) throws -> (Int32, String, String) {
    let child = try ChildProcess(executable, arguments)
    guard let status = child.wait(seconds: seconds) else {
        child.terminate()
        throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish in \(seconds) s")
    }
    return (status, child.stdout, child.stderr)
}
