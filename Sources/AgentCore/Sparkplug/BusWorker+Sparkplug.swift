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
                    let v = sp.valueIndex[i]
                    if !c.isString {
                        values[v] = c.lastFailed ? .nan : c.lastValue
                    } else if c.lastFailed {
                        // Null with Quality Bad, once; the next good read is sent again.
                        if sp.stringWords.removeValue(forKey: i) != nil || texts[v] != nil {
                            texts[v] = nil
                            sp.changedText[i] = .some(nil)
                        }
                    } else if c.lastGood != 0 {
                        // Decoded only when the registers changed (strings are names and versions: rarely).
                        let words = UnsafeBufferPointer(c.lastWords)
                        guard sp.stringWords[i].map({ !$0.elementsEqual(words) }) ?? true else { continue }
                        sp.stringWords[i] = Array(words)
                        let text = c.codec.text(words)
                        texts[v] = text
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
        let now = UInt64(WallClock.nowMilliseconds())
        sp.encoder.begin(timestamp: now)
        var changed = 0
        for request in device.groups[g].requests {
            for i in request.channels {
                let c = device.channels[i]
                let v = sp.valueIndex[i]
                let alias = sp.aliasBase + UInt64(v)
                if c.isString {
                    if let text = sp.changedText.removeValue(forKey: i) {
                        sp.encoder.metric(alias: alias, timestamp: now, datatype: .string, writeDatatype: false,
                                          value: text.map { .text($0) } ?? .null(quality: PayloadEncoder.qualityBad))
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
                sp.encoder.metric(alias: alias, timestamp: now, datatype: sp.metrics[v].datatype, writeDatatype: false,
                                  value: value.isNaN ? .null(quality: PayloadEncoder.qualityBad) : .number(value))
                changed += 1
            }
        }
        guard changed > 0 else { return }
        self.enqueueSparkplug(sp, kind: .summary)
    }

    /// Every summary interval: every channel's value and its summary metrics (mean, min, max, std, score). A
    /// device that is dead to the host (DDEATH: no answer) ends its interval without a report.
    func publishFullReport(_ device: DeviceRuntime, nowWall: Int64) {
        defer {
            for i in device.channels.indices {
                device.channels[i].summary.reset()
                device.channels[i].attempted = false
                device.channels[i].maxScore = 0
            }
            device.intervalStartWall = nowWall
        }
        guard let sp = device.sparkplug, sp.alive else { return }
        let now = UInt64(nowWall)
        sp.encoder.begin(timestamp: now)
        sp.setCurrent { values, texts in
            for i in device.channels.indices {
                let c = device.channels[i]
                let base = sp.aliasBase
                let v = sp.valueIndex[i]
                if c.isString {
                    let value: MetricValue = texts[v].map { .text($0) } ?? .null(quality: PayloadEncoder.qualityBad)
                    sp.encoder.metric(alias: base + UInt64(v), timestamp: now, datatype: .string, writeDatatype: false,
                                      value: value)
                } else {
                    let value = c.lastFailed || c.lastGood == 0 ? Double.nan : c.lastValue
                    values[v] = value
                    sp.reported[i] = value
                    sp.encoder.metric(alias: base + UInt64(v), timestamp: now, datatype: sp.metrics[v].datatype,
                                      writeDatatype: false,
                                      value: value.isNaN ? .null(quality: PayloadEncoder.qualityBad) : .number(value))
                }
                let s = sp.summaryIndex[i]
                if s >= 0 {
                    let n = c.summary.count
                    for k in 0..<4 {
                        let x = n == 0 ? .nan
                            : k == 0 ? c.summary.mean : k == 1 ? c.summary.min : k == 2 ? c.summary.max
                            : c.summary.standardDeviation
                        values[s + k] = x
                        sp.encoder.metric(alias: base + UInt64(s + k), timestamp: now, datatype: .double,
                                          writeDatatype: false, value: x.isNaN ? .null(quality: nil) : .number(x))
                    }
                }
                let score = sp.scoreIndex[i]
                if score >= 0 {
                    values[score] = c.maxScore
                    sp.encoder.metric(alias: base + UInt64(score), timestamp: now, datatype: .double,
                                      writeDatatype: false, value: .number(c.maxScore))
                }
            }
        }
        self.enqueueSparkplug(sp, kind: .summary)
    }

    /// An alert event as its Boolean metric (true while open), spooled as an alert (sent first, dropped last).
    /// While the device is dead to the host only its current value changes: the next DBIRTH carries it.
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
        guard sp.alive else { return }
        let now = UInt64(record.sampleTime ?? WallClock.nowMilliseconds())
        sp.encoder.begin(timestamp: now)
        sp.encoder.metric(alias: sp.aliasBase + UInt64(index), timestamp: now, datatype: .boolean, writeDatatype: false,
                          value: .number(open))
        self.enqueueSparkplug(sp, kind: .alert)
    }

    private func enqueueSparkplug(_ sp: SparkplugDevice, kind: SpoolKind) {
        sp.encoder.mark(sp.tableFingerprint)
        let sequence = self.sequences.take("sparkplug")
        do {
            try sp.encoder.bytes.withUnsafeBytes { bytes in
                try Result { () throws(SpoolError) in
                    try self.delivery.enqueue(kind: kind, qos: 0, topic: sp.dataTopic, payload: bytes,
                                              stream: "sparkplug", sequence: sequence)
                }.get()
            }
        } catch {
            self.logger.error("sparkplug data not spooled", metadata: ["device": "\(sp.id)", "error": "\(error)"])
        }
    }
}
