import Detectors
import Posix

/// The alert payload, compact and mappable onto Elastic ECS and OCSF Detection Finding (see
/// `Schemas/alert.schema.json`):
/// `{"v":1,"id":"…","seq":N,"ts":"…","state":"open","level":"high","sev":70,"rule":{"id":"spike","type":"statistical"},
///  "gateway":"…","device":"…","channel":"…","ev":{"value":…,"score":…,"expected":…,"unit":"…"},"msg":"…"}`
enum AlertPayload {
    static func build(_ event: AlertEvent, id: String, seq: UInt64, gateway: String, device: String, channel: String,
                      unit: String, nowWall: Int64) -> [UInt8] {
        let message = AlertWording.sentence(event, channel: channel, unit: unit)
        let w = JSONWriter(capacity: 640 + 6 * (gateway.utf8.count + device.utf8.count + channel.utf8.count
                                                + unit.utf8.count + message.utf8.count))
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
        w.string(event.transition.rawValue)
        w.key("level")
        w.string(event.severity.rawValue)
        w.key("sev")
        w.integer(event.severity.number)
        w.key("rule")
        w.beginObject()
        w.key("id")
        w.string(event.kind.rawValue)
        w.key("type")
        w.string(event.kind.ruleType)
        w.endObject()
        w.key("gateway")
        w.string(gateway)
        w.key("device")
        w.string(device)
        w.key("channel")
        w.string(channel)
        w.key("ev")
        w.beginObject()
        w.key("value")
        w.number(event.value)
        w.key("score")
        w.number(event.verdict.score)
        w.key("expected")
        w.number(event.verdict.expected)
        w.key("unit")
        w.string(unit)
        w.endObject()
        w.key("msg")
        w.string(message)
        w.endObject()
        return Array(w.bytes)
    }
}
