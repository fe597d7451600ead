import Posix
import Sparkplug
import Spool

/// Sparkplug output of a bus (`mqtt.format: sparkplug`): report by exception after each poll, a full report with
/// the summary metrics every summary interval, alert metrics, and device births and deaths with the status.
extension BusWorker {
    /// After a cycle of group `g`, before the status changes: the group's values become the current values that
    /// a DBIRTH carries (a device back online is born with the values just read).
    func recordCurrentValues(_ device: DeviceRuntime, group g: Int) {
        guard let sp = device.sparkplug else { return }
        sp.setCurrent { values, texts in
            for request in device.groups[g].requests {
                for i in request.channels {
                    let c = device.channels[i]
                    if !c.isString {
                        values[sp.valueIndex[i]] = c.lastFailed ? .nan : c.lastValue
                    } else if !c.lastFailed && c.lastGood != 0 {
                        // Decoded only when the registers changed (strings are names and versions: rarely).
                        let words = UnsafeBufferPointer(c.lastWords)
                        guard sp.stringWords[i].map({ !$0.elementsEqual(words) }) ?? true else { continue }
                        sp.stringWords[i] = Array(words)
                        let text = c.codec.text(words)
                        texts[sp.valueIndex[i]] = text
                        sp.changedText[i] = text
                    }
                }
            }
        }
    }

    /// After a cycle of group `g` and the status: a DDATA with the group's channels whose value moved beyond
    /// their deadband, or whose read failed or recovered (a failed read is a null value with `Quality` Bad).
    func reportByException(_ device: DeviceRuntime, group g: Int) {
        guard let sp = device.sparkplug, sp.alive else { return }
        sp.encoder.begin(timestamp: UInt64(WallClock.nowMilliseconds()))
        var changed = 0
        for request in device.groups[g].requests {
            for i in request.channels {
                let c = device.channels[i]
                if c.isString {
                    if let text = sp.changedText.removeValue(forKey: i) {
                        sp.encoder.metric(alias: sp.aliasBase + UInt64(sp.valueIndex[i]), datatype: .string,
                                          writeDatatype: false, value: .text(text))
                        changed += 1
                    }
                    continue
                }
                let value = c.lastFailed ? Double.nan : c.lastValue
                let last = sp.reported[i]
                let moved = value.isNaN || last.isNaN
                    ? value.isNaN != last.isNaN
                    : sp.deadbands[i] > 0 ? abs(value - last) > sp.deadbands[i] : value != last
                guard moved else { continue }
                sp.reported[i] = value
                let v = sp.valueIndex[i]
                sp.encoder.metric(alias: sp.aliasBase + UInt64(v), datatype: sp.metrics[v].datatype, writeDatatype: false,
                                  value: value.isNaN ? .null(quality: PayloadEncoder.qualityBad) : .number(value))
                changed += 1
            }
        }
        guard changed > 0 else { return }
        self.enqueueSparkplug(device, sp, kind: .summary)
    }

    /// Every summary interval: every channel's value and its summary metrics (mean, min, max, std, score). A
    /// device that is dead to the host (DDEATH: no answer) ends its interval without a report.
    func publishFullReport(_ device: DeviceRuntime, nowWall: Int64) {
        guard let sp = device.sparkplug else { return }
        guard sp.alive else {
            for i in device.channels.indices {
                device.channels[i].summary.reset()
                device.channels[i].attempted = false
                device.channels[i].maxScore = 0
            }
            device.intervalStartWall = nowWall
            return
        }
        sp.encoder.begin(timestamp: UInt64(nowWall))
        sp.setCurrent { values, texts in
            for i in device.channels.indices {
                let c = device.channels[i]
                let base = sp.aliasBase
                let v = sp.valueIndex[i]
                if c.isString {
                    if c.summary.count > 0 {
                        let text = c.codec.text(UnsafeBufferPointer(c.lastWords))
                        texts[v] = text
                        sp.encoder.metric(alias: base + UInt64(v), datatype: .string, writeDatatype: false, value: .text(text))
                    }
                } else {
                    let value = c.lastFailed || c.lastGood == 0 ? Double.nan : c.lastValue
                    values[v] = value
                    sp.reported[i] = value
                    sp.encoder.metric(alias: base + UInt64(v), datatype: sp.metrics[v].datatype, writeDatatype: false,
                                      value: value.isNaN ? .null(quality: PayloadEncoder.qualityBad) : .number(value))
                }
                let s = sp.summaryIndex[i]
                if s >= 0 {
                    let n = c.summary.count
                    let stats = [c.summary.mean, c.summary.min, c.summary.max, c.summary.standardDeviation]
                    for k in 0..<4 {
                        let x = n > 0 ? stats[k] : .nan
                        values[s + k] = x
                        sp.encoder.metric(alias: base + UInt64(s + k), datatype: .double, writeDatatype: false,
                                          value: x.isNaN ? .null(quality: nil) : .number(x))
                    }
                }
                let score = sp.scoreIndex[i]
                if score >= 0 {
                    values[score] = c.maxScore
                    sp.encoder.metric(alias: base + UInt64(score), datatype: .double, writeDatatype: false,
                                      value: .number(c.maxScore))
                }
                device.channels[i].summary.reset()
                device.channels[i].attempted = false
                device.channels[i].maxScore = 0
            }
        }
        device.intervalStartWall = nowWall
        self.enqueueSparkplug(device, sp, kind: .summary)
    }

    /// An alert event as its Boolean metric (true while open), spooled as an alert (sent first, dropped last).
    func publishSparkplugAlert(_ record: AlertRecord, device: DeviceRuntime) {
        guard let sp = device.sparkplug else { return }
        let name = record.channel.map { "\($0)/alert/\(record.rule)" } ?? "alert/\(record.rule)"
        guard let index = sp.alertIndex[name] else {
            self.logger.error("sparkplug: alert without a metric in the birth; not published", metadata: [
                "device": "\(device.definition.id)", "metric": "\(name)",
            ])
            return
        }
        let open: Double = record.transition == .close ? 0 : 1
        sp.setCurrent { values, _ in values[index] = open }
        sp.encoder.begin(timestamp: UInt64(WallClock.nowMilliseconds()))
        sp.encoder.metric(alias: sp.aliasBase + UInt64(index), datatype: .boolean, writeDatatype: false, value: .number(open))
        self.enqueueSparkplug(device, sp, kind: .alert)
    }

    private func enqueueSparkplug(_ device: DeviceRuntime, _ sp: SparkplugDevice, kind: SpoolKind) {
        guard let session = self.publisher.sparkplug else { return }
        let sequence = self.sequences.take("sparkplug")
        do {
            try sp.encoder.bytes.withUnsafeBytes { bytes in
                try Result { () throws(SpoolError) in
                    try self.delivery.enqueue(kind: kind, qos: 0, topic: session.topics.deviceData(sp.id), payload: bytes,
                                              stream: "sparkplug", sequence: sequence)
                }.get()
            }
        } catch {
            self.logger.error("sparkplug data not spooled", metadata: ["device": "\(sp.id)", "error": "\(error)"])
        }
    }
}
