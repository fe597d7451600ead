/* The floor for the agent's footprint (Benchmarks/footprint.sh): a plain C program doing the I/O the agent does at
 * the same load and nothing else. Every INTERVAL_MS (fixed-rate schedule, absolute deadlines) it reads BLOCKS blocks
 * of COUNT consecutive holding registers (addresses 0, COUNT, 2 COUNT, ...) with modbus_read_registers and publishes
 * each raw block (2 COUNT bytes) with mosquitto_publish at QoS 0 to floor/<client>/raw, libmosquitto's network loop
 * running in its own thread (mosquitto_loop_start). No decoding, no detection, no JSON.
 * Runs until SIGTERM or SIGINT, then prints one line of counters on stderr.
 *
 *   c_floor MODBUS_PORT MQTT_PORT [BLOCKS COUNT INTERVAL_MS]     (default 8 125 100: 1,000 registers at 10 Hz)
 */
#include <modbus/modbus.h>
#include <mosquitto.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
    if (argc != 3 && argc != 6) {
        fprintf(stderr, "usage: c_floor MODBUS_PORT MQTT_PORT [BLOCKS COUNT INTERVAL_MS]\n");
        return 64;
    }
    int blocks = argc == 6 ? atoi(argv[3]) : 8, count = argc == 6 ? atoi(argv[4]) : 125;
    long interval_ms = argc == 6 ? atol(argv[5]) : 100;
    if (blocks < 1 || count < 1 || count > MODBUS_MAX_READ_REGISTERS || interval_ms < 1) {
        fprintf(stderr, "c_floor: bad BLOCKS COUNT INTERVAL_MS\n");
        return 64;
    }
    struct sigaction sa = { .sa_handler = on_signal };
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    modbus_t *ctx = modbus_new_tcp("127.0.0.1", atoi(argv[1]));
    modbus_set_slave(ctx, 1);
    modbus_set_response_timeout(ctx, 0, 500000);
    modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_LINK | MODBUS_ERROR_RECOVERY_PROTOCOL);
    if (modbus_connect(ctx) == -1) { fprintf(stderr, "c_floor: modbus connect: %s\n", modbus_strerror(errno)); return 69; }

    mosquitto_lib_init();
    struct mosquitto *mosq = mosquitto_new("otsentry-c-floor", true, NULL);
    int rc = mosquitto_connect(mosq, "127.0.0.1", atoi(argv[2]), 60);
    if (rc != MOSQ_ERR_SUCCESS) { fprintf(stderr, "c_floor: mqtt connect: %s\n", mosquitto_strerror(rc)); return 69; }
    mosquitto_loop_start(mosq);

    uint16_t regs[MODBUS_MAX_READ_REGISTERS];
    const char *topic = "floor/otsentry-c-floor/raw";
    long cycles = 0, reads = 0, failures = 0, publish_failures = 0, overruns = 0;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    while (!stop) {
        for (int b = 0; b < blocks && !stop; b++) {
            reads++;
            if (modbus_read_registers(ctx, b * count, count, regs) != count) { failures++; continue; }
            if (mosquitto_publish(mosq, NULL, topic, 2 * count, regs, 0, false) != MOSQ_ERR_SUCCESS) publish_failures++;
        }
        cycles++;
        /* Fixed rate: the next deadline is the previous one plus the interval; a missed deadline is skipped. */
        next.tv_nsec += (interval_ms % 1000) * 1000000L;
        next.tv_sec += interval_ms / 1000 + next.tv_nsec / 1000000000L;
        next.tv_nsec %= 1000000000L;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        while (now.tv_sec > next.tv_sec || (now.tv_sec == next.tv_sec && now.tv_nsec >= next.tv_nsec)) {
            overruns++;
            next.tv_nsec += (interval_ms % 1000) * 1000000L;
            next.tv_sec += interval_ms / 1000 + next.tv_nsec / 1000000000L;
            next.tv_nsec %= 1000000000L;
        }
        while (!stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {}
    }
    fprintf(stderr, "c_floor cycles=%ld reads=%ld failures=%ld publish_failures=%ld overruns=%ld\n", cycles, reads,
            failures, publish_failures, overruns);
    mosquitto_disconnect(mosq);
    mosquitto_loop_stop(mosq, false);
    mosquitto_destroy(mosq);
    mosquitto_lib_cleanup();
    modbus_close(ctx);
    modbus_free(ctx);
    return 0;
}
