import BoardFile
import Glibc
import Logging
import Modbus
import Mosquitto
import Posix

/// The running agent: a publisher, one bus thread per device link, and the main thread waiting for signals.
///
/// Data flows one way, Board → Plan → Poll → Decode → Ring → Publish: each bus thread polls its devices, decodes
/// into the channel rings and publishes summaries; libmosquitto's thread carries them to the broker.
public final class Agent {
    public let board: Board
    private let logger: Logger
    private let publisher: Publisher
    private let workers: [BusWorker]
    private let stop = StopSignal()

    /// Builds everything from the board (allocating every ring and buffer now). Throws when the MQTT client or a
    /// Modbus context cannot be created (bad host syntax, out of memory).
    public init(board: Board, logger: Logger) throws(AgentError) {
        self.board = board
        self.logger = logger
        do {
            self.publisher = try Publisher(board: board, logger: logger)
        } catch {
            throw .mqtt(error)
        }
        let topics = Topics(board: board)
        var workers: [BusWorker] = []
        let alertIDs = AlertIdentifiers()
        for bus in try BusLayout.build(board) {
            let runtimes = bus.devices.map { DeviceRuntime($0, summaryInterval: board.summaryInterval, topics: topics) }
            workers.append(BusWorker(name: bus.name, connection: bus.connection, devices: runtimes,
                                     turnaround: bus.turnaround, publisher: self.publisher, alertIDs: alertIDs,
                                     gateway: board.gateway, logger: logger, stop: self.stop))
        }
        self.workers = workers
    }

    /// Runs until SIGTERM or SIGINT, then stops cleanly (offline status published, broker disconnected).
    /// Signals must already be blocked (``SignalWaiter/blockHandledSignals()``) before any thread starts.
    public func run() throws(AgentError) {
        self.logger.info("starting", metadata: [
            "version": "\(AgentVersion.current)", "board": "\(self.board.file)", "gateway": "\(self.board.gateway)",
            "devices": "\(self.board.devices.count)", "broker": "\(self.board.mqtt.endpoint)",
        ])
        do {
            try self.publisher.start()
        } catch {
            throw .mqtt(error)
        }
        for worker in self.workers { worker.start() }
        while true {
            if let sig = SignalWaiter.wait(timeoutNanoseconds: 1_000_000_000) {
                if sig == SIGHUP {
                    self.logger.warning("SIGHUP received; reloading the board is not supported yet, ignoring")
                    continue
                }
                self.logger.info("stopping", metadata: ["signal": "\(SignalWaiter.name(sig))"])
                break
            }
        }
        self.shutdown()
    }

    /// Stops polling, marks devices and gateway offline, disconnects.
    public func shutdown() {
        self.stop.fire()
        for worker in self.workers { worker.join() }
        for worker in self.workers { worker.publishStopped() }
        self.publisher.stop()
        self.logger.info("stopped")
    }
}
