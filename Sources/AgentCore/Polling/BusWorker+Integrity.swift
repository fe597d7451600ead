import BoardFile
import Detectors
import Logging
import Modbus
import Posix

/// Identity reads and the integrity baselines of a bus's devices (on the bus thread).
extension BusWorker {
    /// Takes the persisted baselines of a device's role channels (when the channel is unchanged) and identity.
    func restoreIntegrity(_ device: DeviceRuntime) {
        guard let store = self.integrity else { return }
        for i in device.channels.indices where device.channels[i].role != nil {
            let definition = device.definition.channels[i]
            guard let saved = store.parameter(device: device.definition.id, channel: definition.id),
                  saved.fingerprint == ChannelSnapshot.fingerprint(device.definition, definition)
            else { continue }
            device.channels[i].parameter = ParameterWatch(baseline: saved.baseline, current: saved.current,
                                                          isOpen: saved.isOpen)
            device.channels[i].baselineText = saved.baselineText
        }
        if device.definition.identity, let baseline = store.identity(device: device.definition.id) {
            device.identity = IdentityWatch(baseline: baseline)
        }
    }

    func saveIntegrityIfDirty(_ device: DeviceRuntime) {
        guard device.integrityDirty, let store = self.integrity else { return }
        device.integrityDirty = false
        var parameters: [(channel: String, state: IntegrityStore.ParameterState)] = []
        for i in device.channels.indices where device.channels[i].role != nil {
            let c = device.channels[i]
            guard let baseline = c.parameter.baseline else { continue }
            parameters.append((c.id, IntegrityStore.ParameterState(
                fingerprint: ChannelSnapshot.fingerprint(device.definition, device.definition.channels[i]),
                baseline: baseline, current: c.parameter.current, isOpen: c.parameter.isOpen,
                baselineText: c.baselineText)))
        }
        store.update(device: device.definition.id, parameters: parameters, identity: device.identity.baseline)
    }

    /// Reads the identity of every device that is due (between poll cycles).
    func readDueIdentities() {
        let now = MonotonicClock.now()
        for device in self.devices where device.definition.identity && device.identityDue <= now {
            guard self.connection.isConnected, !self.stop.isFired else { return }
            if device.state == .degraded && now < device.degradedUntil { continue }
            self.readIdentity(device)
        }
    }

    /// Identity fields read from the device: 0x11 (server id, data, run indicator) and, on TCP, 0x2B/0x0E.
    private func readIdentity(_ device: DeviceRuntime) {
        let id = device.definition.id
        device.identityDue = MonotonicClock.now() + device.definition.identityInterval.nanoseconds
        guard self.waitForBusQuietly() else { return }
        self.connection.setUnit(device.definition.unit)
        self.connection.setTimeout(nanoseconds: device.timeout)
        var fields: [String: String] = [:]
        var running: Bool?
        var failure: ModbusError?
        if !device.serverIDUnsupported {
            do throws(ModbusError) {
                let report = try self.connection.reportServerID()
                if let serverID = report.serverID { fields["server_id"] = String(serverID) }
                fields["server_data"] = DeviceIdentification.printable(report.additionalData)
                running = report.running
            } catch {
                if case .exception(.illegalFunction) = error.kind {
                    device.serverIDUnsupported = true
                    self.logger.info("device does not support Report Server ID (0x11)", metadata: ["device": "\(id)"])
                } else {
                    failure = error
                }
            }
            device.lastRequestEnd = MonotonicClock.now()
        }
        if failure == nil && !self.connection.isSerial && !device.deviceIdentificationUnsupported {
            do throws(ModbusError) {
                let identification = try self.connection.readDeviceIdentification()
                for (objectID, _) in identification.objects {
                    let name = DeviceIdentification.objectNames[objectID] ?? "object_\(objectID)"
                    fields[name] = identification.text(objectID)
                }
            } catch {
                if case .exception(let e) = error.kind, e == .illegalFunction || e == .illegalDataValue {
                    device.deviceIdentificationUnsupported = true
                    self.logger.info("device does not support Read Device Identification (0x2B/0x0E)",
                                     metadata: ["device": "\(id)"])
                } else {
                    failure = error
                }
            }
            device.lastRequestEnd = MonotonicClock.now()
        }
        if let failure {
            // Try again in a minute (or at the interval, when shorter).
            device.identityDue = min(device.identityDue, MonotonicClock.now() + 60_000_000_000)
            self.logger.warning("identity read failed", metadata: ["device": "\(id)", "error": "\(failure)"])
            if failure.requiresReconnect { self.connection.close() }
            return
        }
        guard !fields.isEmpty || running != nil else { return }
        self.publishIdentity(device, fields: fields, running: running)
        device.updateMaintenance(nowWallMilliseconds: WallClock.nowMilliseconds())
        let events = device.identity.observe(fields, running: running, inMaintenance: device.inMaintenance)
        for event in events { self.report(event, device: device) }
        if events.contains(where: { if case .stopped = $0 { return false }; if case .running = $0 { return false }; return true }) {
            device.integrityDirty = true
            self.saveIntegrityIfDirty(device)
        }
    }

    private func waitForBusQuietly() -> Bool {
        var last: Int64 = 0
        for device in self.devices { last = max(last, device.lastRequestEnd) }
        let pause = self.devices.map(\.pauseBetweenRequests).max() ?? 0
        let target = last + pause
        if target > MonotonicClock.now() { self.stop.wait(untilMonotonic: target) }
        return !self.stop.isFired
    }

    /// The retained identity message: `{"v":1,"ts":…,"running":true|false|null,"fields":{…}}`, published when it
    /// changes.
    private func publishIdentity(_ device: DeviceRuntime, fields: [String: String], running: Bool?) {
        func build(at ts: Int64?) -> [UInt8] {
            let w = JSONWriter(capacity: 256 + fields.reduce(0) { $0 + 6 * ($1.key.utf8.count + $1.value.utf8.count) + 8 })
            w.beginObject()
            w.key("v")
            w.integer(1)
            if let ts {
                w.key("ts")
                w.timestamp(unixMilliseconds: ts)
            }
            w.key("running")
            if let running { w.bool(running) } else { w.null() }
            w.key("fields")
            w.beginObject()
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                w.key(key)
                w.string(value)
            }
            w.endObject()
            w.endObject()
            return Array(w.bytes)
        }
        // Compared without the timestamp, so that an unchanged identity is not republished.
        let body = build(at: nil)
        guard body != device.publishedIdentity else { return }
        device.publishedIdentity = body
        self.publisher.publishRetained(topic: device.identityTopic, payload: build(at: WallClock.nowMilliseconds()))
    }

    private func report(_ event: IdentityWatch.Event, device: DeviceRuntime) {
        let id = device.definition.id
        func changeText(_ changes: [IdentityWatch.Change]) -> String {
            changes.map { "\($0.field) \"\($0.from)\" → \"\($0.to)\"" }.joined(separator: ", ")
        }
        var record: AlertRecord
        switch event {
        case .baselineTaken:
            self.logger.info("identity baseline taken", metadata: ["device": "\(id)"])
            return
        case .identityChanged(let changes, let first):
            record = AlertRecord(transition: first ? .open : .update, severity: .high, rule: "identity",
                                 ruleType: "integrity", channel: nil,
                                 message: "\(id): device identity changed outside a maintenance window: "
                                     + changeText(changes) + " (firmware change or device swap?)",
                                 attack: [.systemFirmware, .adversaryInTheMiddle])
            record.changes = changes.map { ($0.field, $0.from, $0.to) }
        case .identityRestored:
            record = AlertRecord(transition: .close, severity: .high, rule: "identity", ruleType: "integrity",
                                 channel: nil, message: "\(id): device identity is back to its baseline",
                                 attack: [.systemFirmware, .adversaryInTheMiddle])
        case .identityAccepted(let changes):
            let text = changeText(changes)
            self.logger.info("identity change accepted in a maintenance window", metadata: ["device": "\(id)",
                                                                                         "changes": "\(text)"])
            record = AlertRecord(transition: .close, severity: .high, rule: "identity", ruleType: "integrity",
                                 channel: nil, message: "\(id): identity change accepted in a maintenance window: \(text)",
                                 attack: [.systemFirmware, .adversaryInTheMiddle])
            record.changes = changes.map { ($0.field, $0.from, $0.to) }
            // Only an open identity alert needs closing; the retained topic is empty otherwise.
            guard device.identityAlertOpen else { return }
        case .stopped:
            record = AlertRecord(transition: .open, severity: .critical, rule: "mode", ruleType: "integrity",
                                 channel: nil, message: "\(id): the run indicator is off (device stopped or in program mode)",
                                 attack: [.changeOperatingMode])
        case .running:
            record = AlertRecord(transition: .close, severity: .critical, rule: "mode", ruleType: "integrity",
                                 channel: nil, message: "\(id): the run indicator is on again",
                                 attack: [.changeOperatingMode])
        }
        let topic = record.rule == "mode" ? device.identityAlertTopics.mode : device.identityAlertTopics.identity
        if record.rule == "identity" { device.identityAlertOpen = record.transition != .close }
        self.publish(record, device: device, topic: topic)
    }
}
