import Foundation

/// A child process with its stdout and stderr captured in files, for driving `otsentry` and `mosquitto` as real
/// programs.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let directory = TemporaryDirectory(prefix: "otsentry-child")
    public let stdoutPath: String
    public let stderrPath: String

    public init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        self.stdoutPath = self.directory.file("stdout")
        self.stderrPath = self.directory.file("stderr")
        _ = FileManager.default.createFile(atPath: self.stdoutPath, contents: nil)
        _ = FileManager.default.createFile(atPath: self.stderrPath, contents: nil)
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        self.process.environment = env
        self.process.standardInput = FileHandle.nullDevice
        self.process.standardOutput = FileHandle(forWritingAtPath: self.stdoutPath)
        self.process.standardError = FileHandle(forWritingAtPath: self.stderrPath)
        try self.process.run()
    }

    public var pid: Int32 { self.process.processIdentifier }
    public var isRunning: Bool { self.process.isRunning }

    public func signal(_ sig: Int32) { kill(self.pid, sig) }

    /// Waits for exit up to `seconds`; returns the exit status, or nil if still running.
    @discardableResult
    public func wait(seconds: Double) -> Int32? {
        guard waitUntil(seconds: seconds, { !self.process.isRunning }) else { return nil }
        self.process.waitUntilExit()
        return self.process.terminationStatus
    }

    /// Whether the process ended by a signal rather than exit().
    public var endedBySignal: Bool { self.process.terminationReason == .uncaughtSignal }

    public var stdout: String { (try? String(contentsOfFile: self.stdoutPath, encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: self.stderrPath, encoding: .utf8)) ?? "" }

    /// Stops the process (SIGKILL after `grace` seconds of SIGTERM).
    public func terminate(grace: Double = 5) {
        guard self.process.isRunning else { return }
        self.signal(SIGTERM)
        if self.wait(seconds: grace) == nil {
            self.signal(SIGKILL)
            self.wait(seconds: 5)
        }
    }

    deinit {
        if self.process.isRunning {
            kill(self.pid, SIGKILL)
            self.process.waitUntilExit()
        }
    }
}
