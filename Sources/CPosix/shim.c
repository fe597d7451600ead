#define _GNU_SOURCE
#include "CPosix.h"
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>

int cposix_eventfd(void) { return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); }

int cposix_wait_readable(int fd, int64_t timeout_ns) {
    struct pollfd pfd = { .fd = fd, .events = POLLIN, .revents = 0 };
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = (time_t)(timeout_ns / 1000000000);
        ts.tv_nsec = (long)(timeout_ns % 1000000000);
        tsp = &ts;
    }
    int rc = ppoll(&pfd, 1, tsp, NULL);
    return rc < 0 ? -1 : (rc > 0 ? 1 : 0);
}

void cposix_set_thread_name(const char *name) {
    char buf[16];
    strncpy(buf, name, 15);
    buf[15] = 0;
    pthread_setname_np(pthread_self(), buf);
}

int cposix_timed_join(pthread_t thread, int64_t timeout_ns) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)(timeout_ns / 1000000000);
    ts.tv_nsec += (long)(timeout_ns % 1000000000);
    if (ts.tv_nsec >= 1000000000) { ts.tv_sec += 1; ts.tv_nsec -= 1000000000; }
    return pthread_timedjoin_np(thread, NULL, &ts);
}

#include <malloc.h>
int cposix_heap_tune(void) {
    /* Blocks of 32 KiB and more (a summary of a thousand channels, a replayed batch) get their own mapping,
       returned to the kernel when freed, instead of growing an arena that only malloc_trim shrinks; glibc's
       dynamic threshold would otherwise rise to 32 MiB after the first such free. Two arenas for the few
       threads: less fragmentation, no contention worth the name. */
    int ok = mallopt(M_MMAP_THRESHOLD, 32 * 1024);
    ok &= mallopt(M_ARENA_MAX, 2);
    return ok;
}

int cposix_heap_trim(void) { return malloc_trim(0); }

size_t cposix_heap_in_use(void) { return mallinfo2().uordblks; }

#include <link.h>
#include <sys/mman.h>

#include <fcntl.h>
#include <unistd.h>

/* In a writable segment, only the pages still backed by the file (read, never written: in the agent, the part of
   .rodata that start-up read, which the Swift toolchain's objects make writable) are paged out; pages written
   since (anonymous now) are left alone, so that nothing goes to swap. /proc/self/pagemap tells them apart: bit 63
   present, bit 61 file page. */
static void release_file_pages(uintptr_t start, uintptr_t end, long page, int advice) {
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    uint64_t entries[256];
    uintptr_t run = 0;
    for (uintptr_t at = start; at < end;) {
        size_t n = (end - at) / page;
        if (n > 256) n = 256;
        ssize_t got = pread(fd, entries, n * sizeof entries[0], (off_t)(at / page * sizeof entries[0]));
        if (got <= 0) break;
        n = (size_t)got / sizeof entries[0];
        for (size_t i = 0; i < n; i++, at += page) {
            int file = (entries[i] >> 63 & 1) && (entries[i] >> 61 & 1);
            if (file && !run) run = at;
            if (!file && run) { madvise((void *)run, at - run, advice); run = 0; }
        }
    }
    if (run) madvise((void *)run, end - run, advice);
    close(fd);
}

static int advise_segment(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    long page = 4096;
    int advice = *(int *)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD) continue;
        uintptr_t start = (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)(page - 1);
        uintptr_t end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
        /* Code, and the read-only segments: relocation, symbol and unwind tables (.rela.dyn, .dynsym, .eh_frame)
           that the dynamic linker read once at load time, and the Swift metadata sections the runtime reads on
           demand. */
        if (!(ph->p_flags & PF_W)) {
            madvise((void *)start, end - start, advice);
            /* MADV_PAGEOUT leaves the pages that other processes map too (libc, and libcrypto when a broker runs
               on the gateway): those are only unmapped here (they stay in the page cache, and fault back from it
               if used). Only pages still backed by the file: the same bytes come back. */
            if (advice == MADV_PAGEOUT) release_file_pages(start, end, page, MADV_DONTNEED);
        } else if (advice == MADV_PAGEOUT) {
            /* Writable: only the pages of the file part that were never written. */
            uintptr_t file_end = (info->dlpi_addr + ph->p_vaddr + ph->p_filesz) & ~(uintptr_t)(page - 1);
            if (file_end > start) release_file_pages(start, file_end, page, MADV_PAGEOUT);
        }
    }
    return 0;
}

int cposix_release_text(void) {
    /* Random access first: a page faulted back later is read alone, not with the device's read-ahead window
       (8 MB on some virtual disks), which would map megabytes of unused code again. */
    int advice = MADV_RANDOM;
    dl_iterate_phdr(advise_segment, &advice);
    advice = MADV_PAGEOUT;
    dl_iterate_phdr(advise_segment, &advice);
    return 1;
}
