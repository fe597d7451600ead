import CPosix

/// Returns freed heap memory to the kernel (`malloc_trim`): glibc keeps freed chunks, including whole pages inside
/// its per-thread arenas, so a long-running agent's resident memory would otherwise creep with fragmentation
/// after bursts (a broker outage's backlog, a snapshot). Cheap; called once a minute by the agent.
public enum HeapTrim {
    @discardableResult
    public static func now() -> Bool { cposix_heap_trim() != 0 }

    /// Called once at start-up, before the threads: large blocks get their own mappings (returned to the kernel
    /// as soon as they are freed) and at most two arenas, so that bursts (a broker outage's backlog) do not leave
    /// resident memory behind.
    @discardableResult
    public static func tune() -> Bool { cposix_heap_tune() != 0 }

    /// Bytes of heap in use, in all arenas (`mallinfo2`): for memory figures and tests.
    public static var bytesInUse: Int { Int(cposix_heap_in_use()) }
}
