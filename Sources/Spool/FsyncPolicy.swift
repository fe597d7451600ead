/// When the spool forces its writes to stable storage (fsync), and what each policy can lose.
public enum FsyncPolicy: Sendable, Hashable {
    /// After every record: a power loss loses nothing written; each record costs a disk flush.
    case always
    /// A record still waiting for the broker is flushed at most `seconds` (default 1 s) after it was written: a
    /// power loss may lose the undelivered records of the last interval; a crash of the agent alone (SIGKILL, OOM)
    /// loses nothing, as the kernel still holds the writes. A record the broker acknowledged before that is not
    /// flushed for its own sake (so a connected agent does not flush at all); a power loss may then bring back
    /// such delivered records of the last half minute (the kernel's write-back), sent again as duplicates.
    case interval(Double)
    /// Never: the kernel writes back on its own schedule (about 30 s); a power loss may lose that much.
    case never
}
