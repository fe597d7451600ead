/// When the spool forces its writes to stable storage (fsync), and what each policy can lose.
public enum FsyncPolicy: Sendable, Hashable {
    /// After every record: a power loss loses nothing written; each record costs a disk flush.
    case always
    /// At most every `seconds` (default 1 s): a power loss may lose the records of the last interval; a crash of
    /// the agent alone (SIGKILL, OOM) loses nothing, as the kernel still holds the writes.
    case interval(Double)
    /// Never: the kernel writes back on its own schedule (about 30 s); a power loss may lose that much.
    case never
}
