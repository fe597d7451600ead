import Foundation
import Mosquitto
import Synchronization

/// An MQTT subscriber on a real broker that records every message it receives.
public final class TestSubscriber: @unchecked Sendable {
    private let client: MosquittoClient
    private let state = SubscriberState()

    /// Connects to the broker on `port` and subscribes to `pattern`; returns once subscribed.
    public convenience init(port: Int, pattern: String) throws {
        try self.init(port: port, pattern: pattern, configure: { _ in })
    }

    /// As above, with the client options adjusted by `configure` (TLS, user name and password).
    public init(port: Int, pattern: String, configure: (inout MosquittoClient.Options) -> Void) throws {
        let state = self.state
        var events = MosquittoClient.Events()
        events.message = { message in state.inbox.withLock { $0.append(message) } }
        events.connected = { rc in if rc == 0 { state.connected.withLock { $0 = true } } }
        var options = MosquittoClient.Options(clientID: "test-sub-\(UInt32.random(in: 0...UInt32.max))",
                                              host: "127.0.0.1", port: port)
        configure(&options)
        self.client = try MosquittoClient(options: options, events: events)
        try self.client.start()
        guard waitUntil(seconds: 10, { state.connected.withLock { $0 } }) else {
            throw TestFailure("subscriber could not connect to 127.0.0.1:\(port)")
        }
        try self.client.subscribe(pattern, qos: 1)
        // A subscription is active once the broker has handled it; a retained probe would be intrusive, so wait
        // briefly (SUBACK is not surfaced by the wrapper).
        sleepSeconds(0.1)
    }

    public var messages: [MQTTMessage] { self.state.inbox.withLock { $0 } }

    public func messages(on topic: String) -> [MQTTMessage] { self.messages.filter { $0.topic == topic } }

    /// Waits until a message on `topic` satisfies `predicate`; returns it.
    public func waitFor(_ topic: String, seconds: Double = 10, where predicate: (MQTTMessage) -> Bool = { _ in true })
        -> MQTTMessage?
    {
        var found: MQTTMessage?
        waitUntil(seconds: seconds) {
            found = self.messages(on: topic).first(where: predicate)
            return found != nil
        }
        return found
    }

    public func clear() { self.state.inbox.withLock { $0.removeAll() } }

    public func stop() { self.client.stop() }

    deinit { self.client.stop() }
}

final class SubscriberState: Sendable {
    let connected = Mutex<Bool>(false)
    let inbox = Mutex<[MQTTMessage]>([])
}
