import AgentCore
import BoardFile
import Testing

struct CheckReportTests {
    @Test func listsDevicesChannelsRequestsAndRingMemory() throws {
        let board = try BoardLoader.parse("""
            gateway: g1
            mqtt: {url: "mqtt://127.0.0.1:1883"}
            devices:
              - id: plc
                tcp: 127.0.0.1:1502
                channels:
                  - {id: p, table: holding, address: 10, type: float32, unit: bar, window: 100}
                  - {id: t, table: holding, address: 12, type: int16, scale: 0.1}
                  - {id: run, table: coil, address: 3}
            """, file: "b.yaml")
        let text = CheckReport.render(board)
        #expect(text.contains("device plc: tcp 127.0.0.1:1502, unit 1, poll every 1s, timeout 1s"))
        #expect(text.contains("requests per poll cycle: 2 (3 registers, 1 bits)"))
        #expect(text.contains("fc 3 holding 10..12 (3 registers): p, t"))
        #expect(text.contains("fc 1 coil 3 (1 bit): run"))
        // rings: 100 + 1024 + 1024 samples of 4 bytes, plus 1024 shared 8-byte timestamps
        #expect(text.contains("ring memory: \((100 + 1024 + 1024) * 4 + 1024 * 8) bytes"))
        #expect(RingLayout.bytes(board) == (100 + 1024 + 1024) * 4 + 1024 * 8)
    }
}
