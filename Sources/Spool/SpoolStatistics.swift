/// What the spool holds and what it had to give up, for the gateway status.
public struct SpoolStatistics: Sendable, Hashable {
    /// Bytes of spool files on disk.
    public var bytes: Int
    /// Records waiting for the broker's acknowledgement.
    public var records: Int
    public var pendingAlerts: Int
    /// Records dropped since start because the spool was full (summaries first).
    public var droppedSummaries: Int
    public var droppedAlerts: Int
    /// Found at start-up: a torn or corrupt tail, truncated.
    public var truncatedBytes: Int
    public var truncatedRecords: Int

    public var dropped: Int { self.droppedSummaries + self.droppedAlerts }
}
