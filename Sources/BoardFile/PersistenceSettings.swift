/// Where the agent keeps what must survive a restart, and how its spool behaves (`state_dir`, `spool:`,
/// `snapshot_interval`).
public struct PersistenceSettings: Sendable, Hashable {
    public enum Fsync: String, Sendable, Hashable, CaseIterable {
        case always
        case interval
        case never
    }

    /// `state_dir` from the board (`$STATE_DIRECTORY` wins over it at run time; default /var/lib/otsentry).
    public var stateDirectory: String?
    /// `spool.path` (default `<state dir>/spool`).
    public var spoolPath: String?
    /// `spool.max_size`, bytes (default 64 MiB).
    public var spoolMaxBytes: Int
    public var fsync: Fsync
    /// `spool.fsync_interval` for `fsync: interval` (default 1 s).
    public var fsyncInterval: Duration
    /// `spool.replay_rate`: backlog records sent per second once the broker is back (default 50), between live
    /// traffic.
    public var replayRate: Double
    /// `snapshot_interval`: how often rings and detector state are written (default 5 min; also on stop).
    public var snapshotInterval: Duration

    public init(stateDirectory: String? = nil, spoolPath: String? = nil, spoolMaxBytes: Int = 64 << 20,
                fsync: Fsync = .interval, fsyncInterval: Duration = .seconds(1), replayRate: Double = 50,
                snapshotInterval: Duration = .seconds(300)) {
        self.stateDirectory = stateDirectory
        self.spoolPath = spoolPath
        self.spoolMaxBytes = spoolMaxBytes
        self.fsync = fsync
        self.fsyncInterval = fsyncInterval
        self.replayRate = replayRate
        self.snapshotInterval = snapshotInterval
    }

    public static let defaultStateDirectory = "/var/lib/otsentry"

    /// The state directory in effect: `$STATE_DIRECTORY` (systemd's `StateDirectory=`; its first entry when it
    /// lists several), else `state_dir`, else /var/lib/otsentry.
    public func resolvedStateDirectory(environment: String?) -> String {
        if let env = environment, let first = env.split(separator: ":").first, !first.isEmpty { return String(first) }
        return self.stateDirectory ?? Self.defaultStateDirectory
    }
}
