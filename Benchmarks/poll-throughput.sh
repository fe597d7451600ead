#!/usr/bin/env bash
# Poll-path throughput: the agent's poll path (PollThroughput: requests, decoding, rings, statistics) against a
# plain C libmodbus loop reading the same 208 requests (1,000 holding registers in 8 blocks + 200 scattered), each
# against the same C libmodbus server on loopback, one after the other. Prints registers per second, CPU-seconds
# per million registers, and the agent's throughput as a share of the C loop's.
#
#   Benchmarks/poll-throughput.sh [SECONDS]     (default 10 s per client, best of 3 runs each)
set -euo pipefail
cd "$(dirname "$0")"
source ../scripts/lib.sh
seconds=${1:-10}
out=../.build/bench
mkdir -p "$out"
gcc -O2 -o "$out/bench_server" poll/bench_server.c $(pkg-config --cflags --libs libmodbus)
gcc -O2 -o "$out/c_poll_loop" poll/c_poll_loop.c $(pkg-config --cflags --libs libmodbus)
swift build -c release --product PollThroughput >&2
swift_bin=$(swift build -c release --show-bin-path)/PollThroughput

port=$(free_port)
"$out/bench_server" "$port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
wait_for_port "$port" 10

for i in 1 2 3; do "$out/c_poll_loop" "$port" "$seconds"; done > "$out/c.txt"
for i in 1 2 3; do "$swift_bin" "$port" "$seconds"; done > "$out/swift.txt"

python3 - "$out/c.txt" "$out/swift.txt" <<'PY'
import sys
def runs(path):
    rows = []
    for line in open(path):
        fields = dict(kv.split("=") for kv in line.split()[1:])
        rows.append({k: float(v) for k, v in fields.items()})
    return rows
c = max(runs(sys.argv[1]), key=lambda r: r["registers_per_s"])
s = max(runs(sys.argv[2]), key=lambda r: r["registers_per_s"])
print(f"{'client':<28}{'registers/s':>14}{'requests/s':>13}{'CPU-s per 1M registers':>25}{'failures':>10}")
for name, r in (("plain C libmodbus loop", c), ("otsentry poll path", s)):
    print(f"{name:<28}{r['registers_per_s']:>14,.0f}{r['requests']/r['wall_s']:>13,.0f}"
          f"{r['cpu_s_per_million_registers']:>25.4f}{r['failures']:>10.0f}")
print(f"otsentry throughput: {100 * s['registers_per_s'] / c['registers_per_s']:.1f} % of the C loop (target >= 90 %)")
PY
