import Detectors
import Posix

/// The alert payload, compact and mappable onto Elastic ECS and OCSF Detection Finding (see
/// `Schemas/alert.schema.json`):
/// `{"v":1,"id":"…","seq":N,"ts":"…","state":"open","level":"high","sev":70,"rule":{"id":"spike","type":"statistical"},
///  "gateway":"…","device":"…","channel":"…"|null,"ev":{"value":…,"score":…,"expected":…,"unit":"…"},"msg":"…",
///  "attack":[{"t":"T0836","name":"Modify Parameter"}]}`
enum AlertPayload {
    static func build(_ event: AlertEvent, id: String, seq: UInt64, gateway: String, device: String, channel: String,
                      unit: String, nowWall: Int64) -> [UInt8] {
        self.build(AlertRecord(event, channel: channel, unit: unit), id: id, seq: seq, gateway: gateway, device: device,
                   nowWall: nowWall)
    }

    static func build(_ r: AlertRecord, id: String, seq: UInt64, gateway: String, device: String, nowWall: Int64)
        -> [UInt8]
    {
        var textBytes = gateway.utf8.count + device.utf8.count + (r.channel?.utf8.count ?? 0) + r.unit.utf8.count
            + r.message.utf8.count + (r.metric?.utf8.count ?? 0)
        for c in r.changes { textBytes += c.field.utf8.count + c.from.utf8.count + c.to.utf8.count + 16 }
        for t in r.attack { textBytes += t.id.utf8.count + t.name.utf8.count + 16 }
        let w = JSONWriter(capacity: 640 + 6 * textBytes)
        w.beginObject()
        w.key("v")
        w.integer(1)
        w.key("id")
        w.string(id)
        w.key("seq")
        w.integer(Int64(seq))
        w.key("ts")
        w.timestamp(unixMilliseconds: nowWall)
        w.key("state")
        w.string(r.transition.rawValue)
        w.key("level")
        w.string(r.severity.rawValue)
        w.key("sev")
        w.integer(r.severity.number)
        w.key("rule")
        w.beginObject()
        w.key("id")
        w.string(r.rule)
        w.key("type")
        w.string(r.ruleType)
        w.endObject()
        w.key("gateway")
        w.string(gateway)
        w.key("device")
        w.string(device)
        w.key("channel")
        if let channel = r.channel { w.string(channel) } else { w.null() }
        w.key("ev")
        w.beginObject()
        w.key("value")
        w.number(r.value)
        w.key("score")
        w.number(r.score)
        w.key("expected")
        w.number(r.expected)
        w.key("unit")
        w.string(r.unit)
        if let metric = r.metric {
            w.key("metric")
            w.string(metric)
        }
        if !r.changes.isEmpty {
            w.key("changes")
            w.beginObject()
            for c in r.changes {
                w.key(c.field)
                w.beginObject()
                w.key("from")
                w.string(c.from)
                w.key("to")
                w.string(c.to)
                w.endObject()
            }
            w.endObject()
        }
        w.endObject()
        w.key("msg")
        w.string(r.message)
        w.key("attack")
        w.beginArray()
        for t in r.attack {
            w.element()
            w.beginObject()
            w.key("t")
            w.string(t.id)
            w.key("name")
            w.string(t.name)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return Array(w.bytes)
    }
}
