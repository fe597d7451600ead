import Mosquitto
import TestSupport
import Testing

/// The libmosquitto wrapper against a real mosquitto broker on loopback.
struct MosquittoClientTests {
    func client(_ id: String, port: Int, will: MQTTMessage? = nil) throws -> MosquittoClient {
        var options = MosquittoClient.Options(clientID: id, host: "127.0.0.1", port: port)
        options.will = will
        return try MosquittoClient(options: options)
    }

    @Test func publishesAndReceivesRetainedMessages() throws {
        let broker = TestBroker.shared
        let topic = "test/\(UInt32.random(in: 0...UInt32.max))/retained"
        let publisher = try client("pub-\(UInt32.random(in: 0...UInt32.max))", port: broker.port)
        try publisher.start()
        #expect(waitUntil(seconds: 10) { publisher.isConnected })
        try publisher.publish(MQTTMessage(topic: topic, text: "hello", qos: 1, retain: true))
        sleepSeconds(0.2)
        // A subscriber that arrives later still sees the retained message.
        let subscriber = try TestSubscriber(port: broker.port, pattern: topic)
        let message = subscriber.waitFor(topic)
        #expect(message?.text == "hello")
        #expect(message?.retain == true)
        publisher.stop()
    }

    @Test func willIsPublishedWhenTheConnectionDies() throws {
        let broker = TestBroker.shared
        let topic = "test/\(UInt32.random(in: 0...UInt32.max))/will"
        let subscriber = try TestSubscriber(port: broker.port, pattern: topic)
        let client = try client("will-\(UInt32.random(in: 0...UInt32.max))", port: broker.port,
                                will: MQTTMessage(topic: topic, text: "gone", qos: 1, retain: false))
        try client.start()
        #expect(waitUntil(seconds: 10) { client.isConnected })
        // No DISCONNECT: stop the network thread, then destroy the handle, which closes the socket as a crash would.
        client.abandon()
        _ = consume client
        #expect(subscriber.waitFor(topic, seconds: 10)?.text == "gone")
    }

    @Test func cleanStopDoesNotPublishTheWill() throws {
        let broker = TestBroker.shared
        let topic = "test/\(UInt32.random(in: 0...UInt32.max))/nowill"
        let subscriber = try TestSubscriber(port: broker.port, pattern: topic)
        let client = try client("nowill-\(UInt32.random(in: 0...UInt32.max))", port: broker.port,
                                will: MQTTMessage(topic: topic, text: "gone", qos: 1, retain: false))
        try client.start()
        #expect(waitUntil(seconds: 10) { client.isConnected })
        client.stop()
        sleepSeconds(0.5)
        #expect(subscriber.messages(on: topic).isEmpty)
    }

    @Test func rejectsWildcardTopics() {
        #expect(MosquittoClient.isValidPublishTopic("otsentry/line-1/status"))
        #expect(!MosquittoClient.isValidPublishTopic("otsentry/+/status"))
        #expect(!MosquittoClient.isValidPublishTopic("otsentry/#"))
    }
}
