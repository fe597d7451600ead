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

    /// Numbers are written without making a String; the characters must stay those of `description` (fractions of
    /// 16 characters and more, exponents, subnormals, float32 readings) and integers those of `String(_:)`.
    @Test func numbersAreTheCharactersOfTheirDescription() {
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            x ^= x << 13
            x ^= x >> 7
            x ^= x << 17
            return x
        }
        let w = JSONWriter(capacity: 64)
        var checked = 0
        for i in 0..<200_000 {
            let r = next()
            let value: Double
            switch i % 5 {
            case 0: value = Double(bitPattern: r)
            case 1: value = Double(Int64(bitPattern: r) % 1_000_000) / 7
            case 2: value = Double(r % 100_000) * 0.1
            case 3: value = (Double(r % 1_000_000) - 500_000) * 1e-9
            default: value = Double(r % 1000).squareRoot()
            }
            guard value.isFinite, value != value.rounded(.towardZero) else { continue }
            w.reset()
            w.number(value)
            #expect(w.text == value.description, "\(value.bitPattern)")
            let single = Float(value)
            if single.isFinite && Double(single) != Double(single).rounded(.towardZero) {
                w.reset()
                w.number(float32: value)
                #expect(w.text == single.description, "\(value.bitPattern)")
            }
            w.reset()
            w.integer(Int64(bitPattern: r))
            #expect(w.text == String(Int64(bitPattern: r)))
            checked += 1
        }
        #expect(checked > 100_000)
        w.reset()
        w.integer(0)
        #expect(w.text == "0")
    }

    /// Literal and rendered names and values take their commas as the escaped ones do.
    @Test func literalAndRenderedMembers() {
        let names = JSONWriter(capacity: 64)
        names.key("ch \"1\"")
        let key = Array(names.bytes)
        names.reset()
        names.string("°C")
        let unit = Array(names.bytes)
        let w = JSONWriter(capacity: 128)
        w.beginObject()
        w.key(literal: "v")
        w.integer(1)
        key.withUnsafeBytes { w.key(rendered: $0) }
        w.beginObject()
        w.key(literal: "unit")
        unit.withUnsafeBytes { w.value(rendered: $0) }
        w.key(literal: "q")
        w.string(literal: "good")
        w.endObject()
        key.withUnsafeBytes { w.key(rendered: $0) }
        w.null()
        w.endObject()
        #expect(w.text == #"{"v":1,"ch \"1\"":{"unit":"°C","q":"good"},"ch \"1\"":null}"#)
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
