/* A libmodbus TCP server for the poll benchmarks: 65,536 holding registers (register i holds i), one client at a
 * time, as fast as libmodbus answers. Prints its port, then serves until killed.
 *
 *   bench_server PORT
 */
#include <modbus/modbus.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: bench_server PORT\n"); return 64; }
    modbus_t *ctx = modbus_new_tcp("127.0.0.1", atoi(argv[1]));
    modbus_mapping_t *map = modbus_mapping_new(0, 0, 65536, 0);
    for (int i = 0; i < 65536; i++) map->tab_registers[i] = (uint16_t)i;
    int listener = modbus_tcp_listen(ctx, 4);
    if (listener < 0) { fprintf(stderr, "listen: %s\n", modbus_strerror(errno)); return 69; }
    fprintf(stderr, "bench_server: listening on 127.0.0.1:%s\n", argv[1]);
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    for (;;) {
        modbus_tcp_accept(ctx, &listener);
        for (;;) {
            int rc = modbus_receive(ctx, query);
            if (rc > 0) modbus_reply(ctx, query, rc, map);
            else if (rc == -1) break;
        }
        modbus_close(ctx);
    }
}
