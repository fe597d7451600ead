/// Cumulative counters of one device since start, published in its status.
struct LinkCounters {
    /// Poll cycles run (one per group per interval).
    var polls: Int64 = 0
    /// Requests that failed after their retries.
    var errors: Int64 = 0
    /// Transactions that timed out (each attempt counts).
    var timeouts: Int64 = 0
    /// Times the link was opened again after it was lost.
    var reconnects: Int64 = 0
}
