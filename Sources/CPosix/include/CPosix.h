#ifndef CPOSIX_H
#define CPOSIX_H
#include <stdint.h>

/* Linux calls that the Glibc module does not import (they need _GNU_SOURCE or headers outside its map). */

/* eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK); returns the fd or -1 (errno set). */
int cposix_eventfd(void);

/* Waits up to timeout_ns (or forever when negative) for fd to become readable; 1 readable, 0 timeout, -1 error. */
int cposix_wait_readable(int fd, int64_t timeout_ns);

/* pthread_setname_np on the calling thread (the name is cut to 15 bytes). */
void cposix_set_thread_name(const char *name);

#include <pthread.h>
/* pthread_timedjoin_np with a relative timeout; 0 when joined, ETIMEDOUT when not yet. */
int cposix_timed_join(pthread_t thread, int64_t timeout_ns);
/* mallopt: blocks >= 32 KiB mapped on their own (returned when freed), at most 2 arenas; 1 when applied. */
int cposix_heap_tune(void);
/* malloc_trim(0): returns freed heap pages to the kernel; 1 when memory was released. */
int cposix_heap_trim(void);
/* mallinfo2's uordblks: bytes of heap in use (all arenas), for memory figures and tests. */
size_t cposix_heap_in_use(void);
/* madvise(MADV_PAGEOUT) over the program's code and read-only segments: pages only start-up used leave the
   resident set. */
int cposix_release_text(void);
#endif
