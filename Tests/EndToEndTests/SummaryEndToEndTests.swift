import Foundation
import Modbus
import Mosquitto
import Registers
import TestSupport
import Testing

/// Server register values → agent → broker → subscriber: the summary payload carries the decoded values.
struct SummaryEndToEndTests {
    /// One channel per type and order, with the registers written by hand (see RegisterDecoderTests). float32
    /// statistics are published at float32 precision, so 0x42F6E979 reads 123.456.
    static let channels: [(id: String, yaml: String, table: RegisterTable, address: Int, words: [UInt16], value: Double)] = [
        ("f32_abcd", "type: float32, order: ABCD", .holding, 0, [0x42F6, 0xE979], 123.456),
        ("f32_cdab", "type: float32, order: CDAB", .holding, 2, [0xE979, 0x42F6], 123.456),
        ("f32_badc", "type: float32, order: BADC", .holding, 4, [0xF642, 0x79E9], 123.456),
        ("f32_dcba", "type: float32, order: DCBA", .holding, 6, [0x79E9, 0xF642], 123.456),
        ("i32_cdab", "type: int32, order: CDAB", .holding, 8, [0x32EB, 0xF8A4], -123_456_789),
        ("u32_badc", "type: uint32, order: BADC", .holding, 10, [0x3412, 0x7856], 305_419_896),
        ("i16_dcba", "type: int16, order: DCBA", .holding, 12, [0xC7CF], -12345),
        ("u16_scaled", "type: uint16, scale: 0.1, offset: -10", .holding, 13, [484], 38.4),
        ("u64_dcba", "type: uint64, order: DCBA", .input, 0, [0x0807, 0x0605, 0x0403, 0x0201],
         Double(UInt64(0x0102_0304_0506_0708))),
        ("i64_abcd", "type: int64, order: ABCD", .input, 4, [0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE], -2),
        ("f64_cdab", "type: float64, order: CDAB", .input, 8, [0xBE77, 0x1A9F, 0xDD2F, 0x405E], 123.456),
        ("f64_badc", "type: float64, order: BADC", .input, 12, [0x5E40, 0x2FDD, 0x9F1A, 0x77BE], 123.456),
        ("coil_on", "type: bool", .coil, 5, [1], 1),
        ("input_off", "type: bool", .discrete, 9, [0], 0),
        ("varying", "type: int16", .holding, 40, [10], 10),
    ]

    @Test func summaryCarriesDecodedValuesOfEveryTypeAndOrder() throws {
        let broker = TestBroker.shared
        let server = try ModbusServer(units: [3])
        server.withRegisters { maps in
            for c in Self.channels { maps[3]!.set(c.table, address: c.address, c.words) }
        }
        server.start()
        defer { server.stop() }
        let gateway = uniqueGateway("e2e-summary")
        let channelYAML = Self.channels.map {
            "          - {id: \($0.id), table: \($0.table.rawValue), address: \($0.address), \($0.yaml), unit: u\($0.id.count)}"
        }.joined(separator: "\n")
        let subscriber = try TestSubscriber(port: broker.port, pattern: "otsentry/\(gateway)/#")
        let agent = try AgentProcess(board: """
            gateway: \(gateway)
            mqtt: {url: "\(broker.url)", qos: 1}
            summary_interval: 500ms
            devices:
              - id: plc
                tcp: 127.0.0.1:\(server.port)
                unit: 3
                poll_interval: 50ms
                timeout: 500ms
                channels:
            \(channelYAML)
            """)
        let topic = "otsentry/\(gateway)/plc/summary"
        let first = try #require(subscriber.waitFor(topic) { (jsonChannels($0)?["f32_abcd"]?["n"] as? Int ?? 0) > 0 },
                                 "no summary with samples; agent log:\n\(agent.log)")
        let summary = try #require(jsonObject(first.payload))
        #expect(summary["v"] as? Int == 1)
        #expect(first.retain == false)
        let channels = try #require(summary["channels"] as? [String: [String: Any]])
        #expect(Set(channels.keys) == Set(Self.channels.map(\.id)))
        for c in Self.channels {
            let stats = try #require(channels[c.id], "\(c.id) missing")
            let n = try #require(stats["n"] as? Int)
            #expect(n >= 3 && n <= 12, "\(c.id): n = \(n) for 500ms at 50ms")
            for key in ["min", "max", "mean", "last"] {
                #expect((stats[key] as? Double) == c.value, "\(c.id).\(key) = \(String(describing: stats[key]))")
            }
            #expect(stats["std"] as? Double == 0)
            #expect(stats["unit"] as? String == "u\(c.id.count)")
        }

        // The varying channel moves from 10 to 20 in the middle of an interval: that summary sees both, later ones
        // only 20.
        sleepSeconds(0.25)
        server.withRegisters { $0[3]!.set(.holding, address: 40, [20]) }
        let mixed = subscriber.waitFor(topic, seconds: 5) { m in
            let v = jsonChannels(m)?["varying"]
            return v?["min"] as? Double == 10 && v?["max"] as? Double == 20
        }
        let mixedMessage = try #require(mixed)
        let mixedStats = try #require(jsonChannels(mixedMessage)?["varying"])
        let mean = try #require(mixedStats["mean"] as? Double)
        #expect(mean > 10 && mean < 20)
        #expect((mixedStats["std"] as? Double ?? 0) > 0)
        #expect(subscriber.waitFor(topic) { jsonChannels($0)?["varying"]?["min"] as? Double == 20 } != nil)

        // seq counts up by one from 1, and each interval starts where the previous one ended.
        let summaries = subscriber.messages(on: topic).compactMap { jsonObject($0.payload) }
        let seqs = summaries.compactMap { $0["seq"] as? Int }
        #expect(seqs.first == 1)
        #expect(seqs == Array(1...seqs.count))
        for (a, b) in zip(summaries, summaries.dropFirst()) {
            #expect(a["to"] as? String == b["from"] as? String)
        }
        let ts = try #require(summaries.last?["ts"] as? String)
        #expect(ts.count == 24 && ts.hasSuffix("Z") && ts.contains("T"), "ts = \(ts)")
        agent.child.terminate()
    }
}

/// The `channels` object of a summary message.
func jsonChannels(_ message: MQTTMessage) -> [String: [String: Any]]? {
    jsonObject(message.payload)?["channels"] as? [String: [String: Any]]
}
