import Foundation

/// A real mosquitto broker on a loopback port, for one test (``init()``) or shared by all tests (``shared``: the
/// broker the test command started, named by `$OTSENTRY_TEST_BROKER_PORT`, else one started on first use).
public final class TestBroker: @unchecked Sendable {
    public let port: Int
    private let directory = TemporaryDirectory(prefix: "otsentry-broker")
    private var child: ChildProcess?
    private let extraConfig: String
    private let listenerConfig: String?

    /// Starts a private broker on a free port (or on `port`). `extraConfig` lines are appended to its
    /// configuration. `listener`, when given, replaces the default plain anonymous listener settings (it is
    /// given the port and returns the lines, e.g. a TLS listener).
    public init(port: Int? = nil, extraConfig: String = "", listener: ((Int) -> String)? = nil) throws {
        let port = port ?? FreePort.allocate()
        self.port = port
        self.extraConfig = extraConfig
        self.listenerConfig = listener?(port)
        try self.start()
    }

    private init(existingPort: Int) {
        self.port = existingPort
        self.extraConfig = ""
        self.listenerConfig = nil
    }

    /// A file in the broker's private directory (for password and ACL files).
    @discardableResult
    public func writeFile(_ name: String, _ text: String) -> String { self.directory.write(name, text) }

    public static let shared: TestBroker = {
        if let text = ProcessInfo.processInfo.environment["OTSENTRY_TEST_BROKER_PORT"], let port = Int(text),
           FreePort.isListening(port)
        {
            return TestBroker(existingPort: port)
        }
        return try! TestBroker()
    }()

    public var url: String { "mqtt://127.0.0.1:\(self.port)" }

    /// Starts (or restarts) the broker process and waits until it accepts connections.
    public func start() throws {
        let config = self.directory.write("mosquitto.conf", """
            \(self.listenerConfig ?? "listener \(self.port) 127.0.0.1\nallow_anonymous true")
            persistence false
            user root
            \(self.extraConfig)

            """)
        let child = try ChildProcess(Executables.mosquitto, ["-c", config])
        self.child = child
        guard waitUntil(seconds: 10, { FreePort.isListening(self.port) }) else {
            throw TestFailure("mosquitto did not start on port \(self.port): \(child.stderr)")
        }
    }

    /// Stops the broker process (SIGTERM).
    public func stop() {
        self.child?.terminate()
        self.child = nil
    }

    public var log: String { self.child?.stderr ?? "" }

    deinit { self.stop() }
}

public struct TestFailure: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A private broker on a given port (started late, to test an agent that starts first).
public func TestBrokerOnPort(_ port: Int) throws -> TestBroker { try TestBroker(port: port) }
