import BoardFile
import Glibc
import Logging
import Modbus
import Mosquitto
import Posix
import Spool

/// The running agent: the publisher with its spool, one bus thread per device link, and the main thread waiting for
/// signals (SIGTERM/SIGINT stop, SIGHUP reloads the board).
///
/// Data flows one way, Board → Plan → Poll → Decode → Ring → Detect → Publish (through the disk spool): each bus
/// thread polls its devices, decodes into the channel rings, runs the detectors and appends summaries and alert
/// events to the spool; the spool's sender thread hands them to libmosquitto's thread.
public final class Agent {
    public private(set) var board: Board
    private let logger: Logger
    private let publisher: Publisher
    private let sparkplug: SparkplugSession?
    private let delivery: Delivery
    private let sequences: SequenceStore
    private let alertIDs: AlertIdentifiers
    private let integrity: IntegrityStore
    private var workers: [BusWorker]
    private var stop = StopSignal()
    public let stateDirectory: String
    private let snapshotPath: String

    /// Builds everything from the board (allocating every ring and buffer now), opens the state directory and
    /// recovers the spool, and restores the detectors' learnt state from the last snapshot.
    public init(board: Board, logger: Logger) throws(AgentError) {
        HeapTrim.tune()  // before the agent's threads start
        self.board = board
        self.logger = logger
        let state = board.persistence.resolvedStateDirectory(environment: getenv("STATE_DIRECTORY").map { String(cString: $0) })
        self.stateDirectory = state
        self.snapshotPath = "\(state)/snapshot"
        let spool: Spool
        do {
            let fsync: FsyncPolicy = switch board.persistence.fsync {
            case .always: .always
            case .interval: .interval(board.persistence.fsyncInterval.seconds)
            case .never: .never
            }
            spool = try Spool(directory: board.persistence.spoolPath ?? "\(state)/spool",
                              maxBytes: board.persistence.spoolMaxBytes, fsync: fsync)
        } catch {
            throw .state(error)
        }
        let recovered = spool.statistics
        if recovered.truncatedRecords > 0 {
            logger.warning("spool: torn or corrupt tail truncated at start-up", metadata: [
                "records": "\(recovered.truncatedRecords)", "bytes": "\(recovered.truncatedBytes)",
            ])
        }
        if recovered.records > 0 {
            logger.info("spool: records waiting from before the restart", metadata: [
                "records": "\(recovered.records)", "alerts": "\(recovered.pendingAlerts)", "bytes": "\(recovered.bytes)",
            ])
        }
        let sequences = SequenceStore(path: "\(state)/sequences", recovered: spool.recoveredSequences,
                                      durableSpool: board.persistence.fsync == .always)
        spool.beforeReclaim = { sequences.persist() }
        sequences.persist()
        self.sequences = sequences
        self.alertIDs = AlertIdentifiers(after: Int64(sequences.value("alert-id-ms")))
        self.integrity = IntegrityStore(path: "\(state)/integrity", logger: logger)
        self.delivery = Delivery(spool: spool, replayRate: board.persistence.replayRate, logger: logger)
        var password: String?
        if let file = board.mqtt.passwordFile {
            do {
                password = try SecretFile.read(file)
            } catch {
                throw .secret(error)
            }
        }
        let sparkplug: SparkplugSession? = board.mqtt.format == .sparkplug
            ? SparkplugSession(group: board.mqtt.groupID ?? "", edgeNode: board.gateway, stateDirectory: state, logger: logger)
            : nil
        self.sparkplug = sparkplug
        do {
            self.publisher = try Publisher(board: board, password: password, logger: logger, delivery: self.delivery,
                                           sparkplug: sparkplug)
        } catch {
            throw .mqtt(error)
        }
        self.workers = []
        self.workers = try self.makeWorkers(board, stop: self.stop)
        self.sparkplug?.setDevices(Self.sparkplugDevices(self.workers, board: board))
        self.restoreSnapshot()
    }

    private func makeWorkers(_ board: Board, stop: StopSignal) throws(AgentError) -> [BusWorker] {
        let topics = Topics(board: board)
        // Sparkplug aliases: unique across the edge node, in board order.
        var next = SparkplugSession.firstDeviceAlias
        var sparkplugDevices: [SparkplugDevice] = []
        if let session = self.sparkplug {
            for device in board.devices {
                let sp = SparkplugDevice(device, aliasBase: next, topics: session.topics)
                next += UInt64(sp.metricCount)
                sparkplugDevices.append(sp)
            }
        }
        let workers = try BusLayout.build(board).map { bus in
            let runtimes = bus.devices.map { definition in
                let runtime = DeviceRuntime(definition, summaryInterval: board.summaryInterval, topics: topics,
                                            batchDetectors: true)
                runtime.sparkplug = sparkplugDevices.first { $0.id == definition.id }
                return runtime
            }
            return BusWorker(name: bus.name, connection: bus.connection, devices: runtimes, turnaround: bus.turnaround,
                             publisher: self.publisher, delivery: self.delivery, sequences: self.sequences,
                             alertIDs: self.alertIDs, gateway: board.gateway, logger: self.logger, stop: stop,
                             integrity: self.integrity)
        }
        return workers
    }

    /// The Sparkplug devices of the workers, in board order.
    private static func sparkplugDevices(_ workers: [BusWorker], board: Board) -> [SparkplugDevice] {
        let all = workers.flatMap(\.runtimes).compactMap(\.sparkplug)
        return board.devices.compactMap { d in all.first { $0.id == d.id } }
    }

    /// Runs until SIGTERM or SIGINT, then stops cleanly within 5 s. Signals must already be blocked
    /// (``SignalWaiter/blockHandledSignals()``) before any thread starts.
    public func run() throws(AgentError) {
        self.logger.info("starting", metadata: [
            "version": "\(AgentVersion.current)", "board": "\(self.board.file)", "gateway": "\(self.board.gateway)",
            "devices": "\(self.board.devices.count)", "broker": "\(self.board.mqtt.endpoint)",
            "state_dir": "\(self.stateDirectory)",
        ])
        do {
            try self.publisher.start()
        } catch {
            throw .mqtt(error)
        }
        self.delivery.start()
        for worker in self.workers { worker.start() }
        // systemd (Type=notify): ready once polling runs; the watchdog is fed from this loop only while every bus
        // thread makes progress, so a stuck agent is restarted (Restart=on-failure).
        let notifier = ServiceNotifier()
        notifier.send("READY=1\nSTATUS=polling \(self.board.devices.count) devices")
        var stuckReported = false
        var releaseAt = MonotonicClock.now() + 5_000_000_000
        var lastStatus = MonotonicClock.now()
        var lastPersist = MonotonicClock.now()
        var lastSnapshot = MonotonicClock.now()
        var lastTrim = MonotonicClock.now()
        var lastDropped = 0
        while true {
            if let sig = SignalWaiter.wait(timeoutNanoseconds: 1_000_000_000) {
                if sig == SIGHUP {
                    notifier.send("RELOADING=1")
                    self.reload()
                    releaseAt = MonotonicClock.now() + 5_000_000_000
                    notifier.send("READY=1\nSTATUS=polling \(self.board.devices.count) devices")
                    continue
                }
                self.logger.info("stopping", metadata: ["signal": "\(SignalWaiter.name(sig))"])
                notifier.send("STOPPING=1")
                break
            }
            let now = MonotonicClock.now()
            if now >= releaseAt {
                // Start-up (or a reload) is over: its garbage and its code pages go back to the kernel.
                HeapTrim.now()
                CodeRelease.now()
                releaseAt = .max
            }
            if notifier.watchdogNanoseconds > 0 {
                if let stuck = self.workers.first(where: { $0.stall(now: now) != nil }) {
                    if !stuckReported {
                        let seconds = (stuck.stall(now: now) ?? 0) / 1_000_000_000
                        self.logger.error("a bus thread is stuck; the watchdog is no longer fed so that the service manager restarts the agent", metadata: [
                            "bus": "\(stuck.name)", "stuck_for": "\(seconds)s",
                        ])
                        stuckReported = true
                    }
                } else {
                    notifier.send("WATCHDOG=1")
                    stuckReported = false
                }
            }
            if now - lastTrim >= 60_000_000_000 {
                HeapTrim.now()
                lastTrim = now
            }
            if now - lastPersist >= 5_000_000_000 {
                self.sequences.persist()
                lastPersist = now
            }
            if now - lastStatus >= self.board.summaryInterval.nanoseconds {
                let stats = self.delivery.statistics
                self.publisher.publishGatewayStatus(spool: stats)
                if stats.dropped > lastDropped {
                    self.logger.warning("spool full: oldest records dropped", metadata: [
                        "dropped": "\(stats.dropped)", "dropped_alerts": "\(stats.droppedAlerts)",
                        "spool_bytes": "\(stats.bytes)",
                    ])
                    lastDropped = stats.dropped
                }
                lastStatus = now
            }
            if now - lastSnapshot >= self.board.persistence.snapshotInterval.nanoseconds {
                self.writeSnapshot(timeoutNanoseconds: 1_000_000_000)
                lastSnapshot = now
            }
        }
        self.shutdown()
    }

    /// Stops polling, snapshots the channels, sends what it can in the time left, marks devices and gateway
    /// offline, and disconnects: within about 5 s (a device stuck in a long timeout is left to the exit).
    public func shutdown() {
        let deadline = MonotonicClock.now() + 4_500_000_000
        self.stop.fire()
        for worker in self.workers { worker.join(timeoutNanoseconds: max(100_000_000, (deadline - MonotonicClock.now()) / 3)) }
        self.writeSnapshot(timeoutNanoseconds: 0)
        for worker in self.workers { worker.publishStopped() }
        self.delivery.stop(drainNanoseconds: max(0, min(2_000_000_000, deadline - MonotonicClock.now() - 1_000_000_000)))
        self.sequences.persist()
        self.publisher.stop(timeoutNanoseconds: max(100_000_000, min(1_000_000_000, deadline - MonotonicClock.now())))
        self.logger.info("stopped")
    }

    // MARK: Reload

    /// SIGHUP: re-reads the board. An invalid board is rejected (diagnostics in the log) and the running one
    /// stays. A valid one replaces the devices without touching the MQTT session; channels whose samples mean
    /// the same keep their rings, and their detectors (kept as they are when their settings did not change,
    /// rebuilt from the ring otherwise).
    private func reload() {
        let path = self.board.file
        let next: Board
        do {
            next = try BoardLoader.load(path: path)
        } catch {
            self.logger.error("reload rejected: the board is invalid; the running configuration stays", metadata: [
                "board": "\(path)", "problems": "\(error.diagnostics.count)",
            ])
            for line in "\(error)".split(separator: "\n") { self.logger.error("\(line)") }
            return
        }
        if next.gateway != self.board.gateway || next.mqtt != self.board.mqtt || next.persistence != self.board.persistence {
            self.logger.warning(
                "reload: gateway, mqtt, state_dir, spool and snapshot settings take effect at the next restart; applying the devices")
        }
        var applied = next
        applied.gateway = self.board.gateway
        applied.mqtt = self.board.mqtt
        applied.persistence = self.board.persistence
        let newStop = StopSignal()
        let fresh: [BusWorker]
        do {
            fresh = try self.makeWorkers(applied, stop: newStop)
        } catch {
            self.logger.error("reload rejected", metadata: ["error": "\(error)"])
            return
        }
        // Stop the old buses, then carry channel state over.
        self.stop.fire()
        for worker in self.workers { worker.join(timeoutNanoseconds: 3_000_000_000) }
        var oldDevices: [String: DeviceRuntime] = [:]
        for worker in self.workers { for d in worker.runtimes { oldDevices[d.definition.id] = d } }
        var kept = 0, rebuilt = 0
        for worker in fresh {
            for device in worker.runtimes {
                guard let old = oldDevices[device.definition.id] else { continue }
                device.adoptDeviceState(old)
                for i in device.channels.indices {
                    let definition = device.definition.channels[i]
                    guard let j = old.definition.channels.firstIndex(where: { $0.id == definition.id }),
                          ChannelSnapshot.fingerprint(old.definition, old.definition.channels[j])
                            == ChannelSnapshot.fingerprint(device.definition, definition)
                    else { continue }
                    if old.definition.channels[j].detectors == definition.detectors
                        && old.definition.channels[j].window == definition.window
                    {
                        device.channels[i].adopt(old.channels[j])
                        kept += 1
                    } else {
                        ChannelSnapshot.take(old).first { $0.channel == definition.id }?.restore(into: device, channel: i)
                        rebuilt += 1
                    }
                }
            }
        }
        // Sparkplug: devices keep their liveness and current values (all of them when the metric table did not
        // change); then every birth again (a new table needs a new DBIRTH, and a removed device is not born again).
        if let session = self.sparkplug {
            for worker in fresh {
                for device in worker.runtimes {
                    guard let sp = device.sparkplug, let old = oldDevices[device.definition.id]?.sparkplug else { continue }
                    sp.adopt(old, channelValues: device.channels.map { $0.lastGood != 0 && !$0.lastFailed ? $0.lastValue : .nan })
                }
            }
            session.setDevices(Self.sparkplugDevices(fresh, board: applied))
        }
        let newIDs = Set(applied.devices.map(\.id))
        for (id, old) in oldDevices where !newIDs.contains(id) {
            self.publisher.clearRetained(topic: old.statusTopic)
        }
        self.workers = fresh
        self.stop = newStop
        self.board = applied
        for worker in self.workers { worker.start() }
        self.logger.info("reloaded", metadata: [
            "board": "\(path)", "devices": "\(applied.devices.count)", "channels_kept": "\(kept)",
            "channels_rebuilt": "\(rebuilt)",
        ])
    }

    // MARK: Snapshots

    /// Streams every bus's channels into a new snapshot file (a bus that does not answer in time is left out).
    private func writeSnapshot(timeoutNanoseconds: Int64) {
        do throws(SystemError) {
            let writer = try SnapshotWriter(path: self.snapshotPath)
            for worker in self.workers { _ = worker.snapshot(into: writer, timeoutNanoseconds: timeoutNanoseconds) }
            guard writer.channels > 0 else {
                writer.abandon()
                return
            }
            try writer.finish()
        } catch {
            self.logger.error("snapshot not written", metadata: ["path": "\(self.snapshotPath)", "error": "\(error)"])
        }
    }

    private func restoreSnapshot() {
        var index: [String: (device: DeviceRuntime, channel: Int)] = [:]
        for worker in self.workers {
            for device in worker.runtimes {
                for i in device.channels.indices { index["\(device.definition.id)/\(device.channels[i].id)"] = (device, i) }
            }
        }
        var restored = 0, samples = 0
        let valid = SnapshotStore.forEachChannel(self.snapshotPath) { device, channel, fingerprint, count, sample in
            guard let (runtime, i) = index["\(device)/\(channel)"],
                  fingerprint == ChannelSnapshot.fingerprint(runtime.definition, runtime.definition.channels[i])
            else { return }
            samples += ChannelSnapshot.restore(into: runtime, channel: i, count: count, sample: sample)
            restored += 1
        }
        if restored > 0 {
            self.logger.info("detector state restored from the snapshot", metadata: [
                "channels": "\(restored)", "samples": "\(samples)",
            ])
        } else if !valid && access(self.snapshotPath, F_OK) == 0 {
            self.logger.warning("snapshot unreadable or corrupt; detectors learn from zero", metadata: [
                "path": "\(self.snapshotPath)",
            ])
        }
    }
}
