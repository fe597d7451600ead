/* A libmodbus TCP server for the poll benchmarks: 65,536 holding registers (register i holds i), one client at a
 * time, as fast as libmodbus answers. Prints its port, then serves until killed.
 *
 * With `noise` (Benchmarks/footprint.sh), registers 0..999 move instead, 10 times a second, so that the agent's
 * detectors do real work: register i holds 1000 + 10 i plus noise of -4..4 counts (triangular), and every 2 s one
 * register, taken in turn, spikes by +400 counts for 300 ms (so alerts open and close too). Same single thread: the
 * updates happen between requests, driven by select()'s timeout.
 *
 *   bench_server PORT [noise]
 */
#include <modbus/modbus.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

enum { NOISY = 1000, UPDATE_NS = 100000000, SPIKE_EVERY = 20, SPIKE_FOR = 3, SPIKE = 400 };

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint32_t xorshift(void) {
    static uint32_t x = 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

/* One update of the noisy registers; `tick` counts updates. */
static void update(uint16_t *regs, uint64_t tick) {
    for (int i = 0; i < NOISY; i++) {
        uint32_t r = xorshift();
        regs[i] = (uint16_t)(1000 + 10 * i + (int)(r % 5) + (int)((r >> 8) % 5) - 4);
    }
    if (tick % SPIKE_EVERY < SPIKE_FOR) {
        int victim = (int)((tick / SPIKE_EVERY * 37) % NOISY);
        regs[victim] += SPIKE;
    }
}

int main(int argc, char **argv) {
    int noise = argc == 3 && strcmp(argv[2], "noise") == 0;
    if (argc != 2 && !noise) { fprintf(stderr, "usage: bench_server PORT [noise]\n"); return 64; }
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", atoi(argv[1]));
    modbus_mapping_t *map = modbus_mapping_new(0, 0, 65536, 0);
    for (int i = 0; i < 65536; i++) map->tab_registers[i] = (uint16_t)i;
    uint64_t tick = 0, next = now_ns();
    if (noise) update(map->tab_registers, tick++);
    int listener = modbus_tcp_listen(ctx, 4);
    if (listener < 0) { fprintf(stderr, "listen: %s\n", modbus_strerror(errno)); return 69; }
    fprintf(stderr, "bench_server: listening on 127.0.0.1:%s%s\n", argv[1], noise ? " (noise)" : "");
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    for (;;) {
        int s = modbus_tcp_accept(ctx, &listener);
        if (s < 0) continue;
        for (;;) {
            if (noise) {
                /* Update when due (skipping missed updates), then wait for a request until the next one. */
                uint64_t t = now_ns();
                if (t >= next) {
                    update(map->tab_registers, tick++);
                    next += UPDATE_NS;
                    if (next <= t) next = t + UPDATE_NS;
                }
                uint64_t wait = next - t > UPDATE_NS ? UPDATE_NS : next - t;
                struct timeval tv = { .tv_sec = 0, .tv_usec = (suseconds_t)(wait / 1000) };
                fd_set readable;
                FD_ZERO(&readable);
                FD_SET(s, &readable);
                int ready = select(s + 1, &readable, NULL, NULL, &tv);
                if (ready == 0 || (ready == -1 && errno == EINTR)) continue;
                if (ready == -1) break;
            }
            int rc = modbus_receive(ctx, query);
            if (rc > 0) modbus_reply(ctx, query, rc, map);
            else if (rc == -1) break;
        }
        modbus_close(ctx);
    }
}
