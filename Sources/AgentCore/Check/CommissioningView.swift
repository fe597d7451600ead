import Posix

/// Renders `otsentry poll` readings: an aligned table for people, or one JSON object per device per cycle.
public enum CommissioningView {
    public static func table(_ readings: [DeviceReading]) -> String {
        var out = ""
        for device in readings {
            out += "device \(device.device)"
            out += device.error.map { ": \($0)" } ?? ": ok"
            out += "\n"
            var rows = [["channel", "address", "raw", "value", "unit", "q", "age"]]
            for c in device.channels {
                rows.append([
                    c.id, c.location, c.raw.map(Self.hex).joined(separator: " "),
                    c.text.map { "\"\($0)\"" } ?? c.value.map { Self.number($0, float32: c.isFloat32) } ?? "-", c.unit.isEmpty ? "-" : c.unit,
                    c.quality, c.age.map { Self.age($0) } ?? "-",
                ])
            }
            out += CheckReport.table(rows, indent: "  ")
        }
        return out
    }

    /// `{"ts":…,"device":…,"error":…,"channels":[{"id":…,"address":…,"raw":["0x42F6",…],"value":…,"unit":…,"q":…,"age_ms":…}]}`
    public static func jsonLines(_ readings: [DeviceReading]) -> String {
        var out = ""
        let now = WallClock.nowMilliseconds()
        for device in readings {
            let w = JSONWriter(capacity: 1024 + device.channels.reduce(0) { $0 + 256 + 8 * $1.raw.count + 6 * (($1.text?.utf8.count ?? 0) + $1.id.utf8.count + $1.unit.utf8.count) })
            w.beginObject()
            w.key("ts")
            w.timestamp(unixMilliseconds: now)
            w.key("device")
            w.string(device.device)
            if let error = device.error {
                w.key("error")
                w.string(error)
            }
            w.key("channels")
            w.beginArray()
            for c in device.channels {
                w.element()
                w.beginObject()
                w.key("id")
                w.string(c.id)
                w.key("address")
                w.string(c.location)
                w.key("raw")
                w.beginArray()
                for r in c.raw {
                    w.element()
                    w.string(Self.hex(r))
                }
                w.endArray()
                w.key("value")
                if let text = c.text {
                    w.string(text)
                } else if let v = c.value {
                    if c.isFloat32 { w.number(float32: v) } else { w.number(v) }
                } else {
                    w.null()
                }
                w.key("unit")
                w.string(c.unit)
                w.key("q")
                w.string(c.quality)
                w.key("age_ms")
                if let age = c.age { w.integer(Int64(age * 1000)) } else { w.null() }
                w.endObject()
            }
            w.endArray()
            w.endObject()
            out += w.text + "\n"
        }
        return out
    }

    static func hex(_ word: UInt16) -> String {
        let digits = String(word, radix: 16, uppercase: true)
        return "0x" + String(repeating: "0", count: 4 - digits.count) + digits
    }

    static func number(_ x: Double, float32: Bool) -> String {
        let w = JSONWriter(capacity: 32)
        if float32 { w.number(float32: x) } else { w.number(x) }
        return w.text
    }

    static func age(_ seconds: Double) -> String {
        seconds < 10 ? "\(Int((seconds * 1000).rounded()))ms" : "\(Int(seconds))s"
    }
}
