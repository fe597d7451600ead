import AgentCore
import Foundation
import Testing

struct JSONWriterTests {
    @Test func writesNestedObjectsWithCommas() throws {
        let w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("a")
        w.integer(1)
        w.key("b")
        w.beginObject()
        w.key("x")
        w.number(0.25)
        w.key("y")
        w.string("q\"\\\n\u{1}é")
        w.endObject()
        w.key("c")
        w.beginArray()
        for v in [1, 2] {
            w.element()
            w.integer(v)
        }
        w.endArray()
        w.endObject()
        #expect(w.text == #"{"a":1,"b":{"x":0.25,"y":"q\"\\\n\u0001é"},"c":[1,2]}"#)
        #expect(!w.overflowed)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(w.text.utf8)) as? [String: Any])
        #expect((parsed["b"] as? [String: Any])?["y"] as? String == "q\"\\\n\u{1}é")
    }

    @Test(arguments: [(12.0, "12"), (-3.0, "-3"), (0.1, "0.1"), (-0.0, "0"), (1e-5, "1e-05"), (1e20, "1e+20"),
                      (.nan, "null"), (.infinity, "null"), (48.4, "48.4")] as [(Double, String)])
    func writesNumbers(_ value: Double, _ text: String) {
        let w = JSONWriter(capacity: 64)
        w.number(value)
        #expect(w.text == text)
    }

    @Test func writesFloat32ReadingsShortest() {
        let w = JSONWriter(capacity: 64)
        w.number(float32: Double(Float(180.89929)))
        #expect(w.text == "180.89929")
    }

    @Test func integersAtTheExtremes() {
        let w = JSONWriter(capacity: 64)
        w.integer(Int64.min)
        #expect(w.text == "-9223372036854775808")
    }

    @Test func overflowIsReportedNotWritten() {
        let w = JSONWriter(capacity: 4)
        w.string("too long")
        #expect(w.overflowed && w.count <= 4)
    }

    @Test func timestampsAreRFC3339UTCMilliseconds() {
        let w = JSONWriter(capacity: 64)
        w.timestamp(unixMilliseconds: 1_795_708_879_123)
        #expect(w.text == "\"2026-11-26T16:01:19.123Z\"")
    }
}
