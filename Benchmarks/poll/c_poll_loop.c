/* The limit for the agent's poll path: a plain C libmodbus client reading the same requests back to back
 * (8 blocks of 125 holding registers at 0..999, and 200 single registers at 2000, 2020, ... 5980), with no
 * decoding and no storage. Prints one line of figures.
 *
 *   c_poll_loop PORT SECONDS
 */
#include <modbus/modbus.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: c_poll_loop PORT SECONDS\n"); return 64; }
    double seconds = atof(argv[2]);
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", atoi(argv[1]));
    modbus_set_slave(ctx, 1);
    if (modbus_connect(ctx) == -1) { fprintf(stderr, "connect: %s\n", modbus_strerror(errno)); return 69; }
    uint16_t regs[125];
    long cycles = 0, failures = 0;
    double c0 = cpu(), t0 = now(), end = t0 + seconds;
    while (now() < end) {
        for (int b = 0; b < 8; b++) {
            int count = b < 7 ? 125 : 1000 - 7 * 125;
            if (modbus_read_registers(ctx, b * 125, count, regs) != count) failures++;
        }
        for (int i = 0; i < 200; i++) {
            if (modbus_read_registers(ctx, 2000 + 20 * i, 1, regs) != 1) failures++;
        }
        cycles++;
    }
    double wall = now() - t0, cpu_s = cpu() - c0;
    long registers = cycles * 1200;
    printf("c cycles=%ld requests=%ld registers=%ld failures=%ld wall_s=%f cpu_s=%f registers_per_s=%ld "
           "cpu_s_per_million_registers=%f\n", cycles, cycles * 208, registers, failures, wall, cpu_s,
           (long)(registers / wall), cpu_s / (registers / 1e6));
    modbus_close(ctx);
    modbus_free(ctx);
    return 0;
}
