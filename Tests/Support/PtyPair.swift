import Foundation

/// Two linked pseudo-terminals made by socat (`pty,raw,echo=0`), standing in for an RS-485 line: the agent opens
/// one end, a libmodbus RTU server the other. A pty has no baud-rate pacing.
public final class PtyPair: @unchecked Sendable {
    public let directory = TemporaryDirectory(prefix: "otsentry-pty")
    public let a: String
    public let b: String
    private let child: ChildProcess

    public init() throws {
        self.a = self.directory.file("ttyA")
        self.b = self.directory.file("ttyB")
        let socat = ["/usr/bin/socat", "/bin/socat"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "socat"
        self.child = try ChildProcess(socat, ["-d", "-d", "pty,raw,echo=0,link=\(self.a)", "pty,raw,echo=0,link=\(self.b)"])
        guard waitUntil(seconds: 10, {
            FileManager.default.fileExists(atPath: self.a) && FileManager.default.fileExists(atPath: self.b)
        }) else {
            throw TestFailure("socat did not create the pty pair: \(self.child.stderr)")
        }
    }

    deinit { self.child.terminate() }
}
