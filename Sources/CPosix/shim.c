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

#include <link.h>
#include <sys/mman.h>

static int advise_segment(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)info;
    long page = 4096;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        /* Code, and the read-only segments: relocation tables, symbol tables and unwind tables (.rela.dyn,
           .dynsym, .eh_frame) that the dynamic linker read once at load time, and the Swift metadata sections
           the runtime reads on demand. Writable segments hold data (anonymous once written): left alone. */
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W)) continue;
        uintptr_t start = (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)(page - 1);
        uintptr_t end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
        madvise((void *)start, end - start, *(int *)data);
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
