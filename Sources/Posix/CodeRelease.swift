import CPosix

/// Lets the kernel take back the code pages that only start-up ran (`madvise(MADV_PAGEOUT)` over the executable
/// and read-only segments of the program and its libraries; the read-only ones hold the relocation, symbol and
/// unwind tables that the dynamic linker read once at load time, 0.4 MB of `.rela.dyn` alone in the agent). Start-up (argument parsing, the YAML board, validation, planning)
/// runs code that polling never runs again, and the kernel maps code in 64 KiB runs around each page it faults,
/// so after start-up several MB of clean, file-backed code count as resident without being used. Pages still in
/// use fault back at once from the page cache (about 250 KB of them while polling); pages shared with other
/// processes (libc) are left alone by the kernel. Called once a few seconds after start and after each reload.
public enum CodeRelease {
    @discardableResult
    public static func now() -> Bool { cposix_release_text() != 0 }
}
