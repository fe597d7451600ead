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
int cposix_heap_trim(void) { return malloc_trim(0); }
