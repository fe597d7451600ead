#!/usr/bin/env bash
# Footprint (issue 7): what the agent costs on a gateway, next to a plain C program doing the same I/O.
#
#   binary        the release binary as the package builds it (static Swift runtime, full RELRO, in .build-deb),
#                 stripped (strip --strip-unneeded); ldd tells whether libFoundation.so is needed, nm whether
#                 full Foundation / FoundationInternationalization / ICU or FoundationEssentials got in statically.
#   RSS idle      VmRSS (/proc/PID/status) of `otsentry run` on a 1-device, 1-channel board polled every 1 s,
#                 after IDLE seconds (default 20).
#   1000ch@10Hz   1 TCP device, 1,000 uint16 holding registers 0..999 (8 requests of 125), poll_interval 100ms,
#                 the default detector bank on every channel, summary_interval 1s, published to a private
#                 mosquitto on loopback (board default QoS). After WARMUP seconds (default 120: the 1,024-sample
#                 rings are full after 102.4 s, so the window is the steady state an agent runs in for months; while
#                 they fill, the seasonal baseline searches for a period every 128 samples instead of every 4,096, and
#                 WARMUP=30 shows that phase, about 1 % of a core more): VmRSS sampled every
#                 second for SECONDS (default 60; end and max) and CPU = the run time of all its threads
#                 (/proc/PID/task/*/schedstat; utime+stime, tick-sampled, shown beside) over the window, as % of
#                 one core. A subscriber counts the summaries and alerts published in the window.
#   floor         Benchmarks/footprint/c_floor.c (libmodbus + libmosquitto, gcc -O2): the same 8 reads of 125
#                 registers every 100 ms, each raw block (250 bytes) published at QoS 0; measured the same way
#                 (idle: 1 read of 1 register every 1 s).
#
# The PLC is Benchmarks/poll/bench_server.c in `noise` mode: registers 0..999 move by a few counts 10 times a
# second, with a 300 ms spike on one register every 2 s, so the detectors do real work and alerts are published.
# The loaded floor and the loaded agent run side by side, each with its own copy of that server (it serves one
# client at a time; both copies serve the same values), and are measured over the same window: the CPU a program
# gets done per second drifts on this machine by up to a quarter within an hour, and measured one after the other
# that drift went into their ratio; side by side it moves both. Their load is light (about 2 % of a core for both,
# servers and broker included, on 2 cores), so neither slows the other. SEQUENTIAL=1 measures the loaded runs one
# after the other instead (the floor first), as up to stop 15. The idle figures are taken one after the other,
# before the loaded runs. They share the broker. Temporary files in /tmp/otsentry-footprint-* (KEEP=1 keeps them); every process started here is stopped
# on exit.
#
#   Benchmarks/footprint.sh [SECONDS]      (WARMUP=120 IDLE=20 by default; e.g. WARMUP=5 IDLE=5 ... 10 to try it)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
seconds=${1:-60}
warmup=${WARMUP:-120}
idle=${IDLE:-20}
gateway=footprint
ticks=$(getconf CLK_TCK)
work=$(mktemp -d /tmp/otsentry-footprint-XXXXXX)
started=()

cleanup() {
    local p
    for p in "${started[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${started[@]}"; do wait "$p" 2>/dev/null || true; done
    if [ -n "${KEEP:-}" ]; then echo "files kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() { echo "footprint: $*" >&2; exit 1; }

# Stops one process started here (SIGTERM, then SIGKILL after 10 s) and waits for it.
stop() {
    local pid=$1
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Forgotten once reaped: its pid may be reused by a process that is not ours.
    local keep=() p
    for p in "${started[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
    started=("${keep[@]}")
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# Run time of a process, all its threads, in ns: the scheduler's exact count (/proc/PID/task/*/schedstat, first
# field). utime + stime are not exact: with tick-based accounting (CONFIG_TICK_CPU_ACCOUNTING, HZ=250 here) they
# are a sample of which task was running at each tick, and at 0.4 % of a core a 60 s window holds only about 60
# such samples. (Here the two have agreed within a few per cent, so the run-to-run spread is the machine's.) A
# thread that ends within the window is not counted; neither program starts or ends one there. Empty when
# schedstat is missing.
cpu_ns() {
    local f total=0 run rest
    for f in /proc/"$1"/task/*/schedstat; do
        read -r run rest < "$f" 2>/dev/null || continue
        total=$((total + run))
    done
    if [ -r "/proc/$1/schedstat" ]; then echo "$total"; fi
}

# utime + stime of a process (all its threads), in clock ticks (shown beside, and used without schedstat).
cpu_ticks() {
    local stat rest
    stat=$(cat "/proc/$1/stat")
    rest=${stat##*) }   # fields from the 3rd (state) on: utime and stime are the 14th and 15th
    set -- $rest
    echo $(( ${12} + ${13} ))
}

alive() { kill -0 "$1" 2>/dev/null || die "$2 exited early (log: $3): $(tail -5 "$3" 2>/dev/null)"; }

# warm SECONDS PID LOG [PID LOG ...]: waits, checking every second that each process still runs.
warm() {
    local secs=$1; shift
    local args=("$@") i
    for _ in $(seq "$secs"); do
        sleep 1
        for ((i = 0; i < ${#args[@]}; i += 2)); do alive "${args[i]}" "process ${args[i]}" "${args[i + 1]}"; done
    done
}

# measure SECONDS PID LOG [PID LOG ...]: samples VmRSS of each process every second for SECONDS s, over one window
# for all; sets, per process in the order given, rss_end[i] and rss_max[i] (kB), cpu[i] (% of one core over the
# window, from the run time and the wall clock) and cpu_tick[i] (the same from utime+stime).
measure() {
    local secs=$1; shift
    local pids=() logs=() i t0 t1 kb c0=() n0=() c1=() n1=()
    while (( $# )); do pids+=("$1"); logs+=("$2"); shift 2; done
    rss_end=() rss_max=() cpu=() cpu_tick=()
    t0=$(date +%s.%N)
    for i in "${!pids[@]}"; do c0[i]=$(cpu_ticks "${pids[i]}"); n0[i]=$(cpu_ns "${pids[i]}"); rss_max[i]=0; done
    for _ in $(seq "$secs"); do
        sleep 1
        for i in "${!pids[@]}"; do
            alive "${pids[i]}" "process ${pids[i]}" "${logs[i]}"
            kb=$(rss_kb "${pids[i]}")
            if (( kb > rss_max[i] )); then rss_max[i]=$kb; fi
        done
    done
    for i in "${!pids[@]}"; do n1[i]=$(cpu_ns "${pids[i]}"); c1[i]=$(cpu_ticks "${pids[i]}"); done
    t1=$(date +%s.%N)
    cpu_source=schedstat
    for i in "${!pids[@]}"; do
        rss_end[i]=$(rss_kb "${pids[i]}")
        if (( rss_end[i] > rss_max[i] )); then rss_max[i]=${rss_end[i]}; fi
        cpu_tick[i]=$(awk -v c="$((c1[i] - c0[i]))" -v hz="$ticks" -v t0="$t0" -v t1="$t1" \
            'BEGIN { printf "%.2f", 100 * c / hz / (t1 - t0) }')
        if [ -n "${n0[i]}" ] && [ -n "${n1[i]}" ]; then
            cpu[i]=$(awk -v n="$((n1[i] - n0[i]))" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.3f", 100 * n / 1e9 / (t1 - t0) }')
        else
            cpu[i]=${cpu_tick[i]} cpu_source="utime+stime"
        fi
    done
}

# Subscribes (topic of each message, one a line) in the background; its pid goes to $sub.
subscribe() {
    local out=$1; shift
    local args=()
    for t in "$@"; do args+=(-t "$t"); done
    mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -F '%t' "${args[@]}" > "$out" 2>/dev/null &
    sub=$!; started+=("$sub")
}

# --- Build: the agent as the package builds it, the floor and the server.
source Packaging/release-flags
flags=("${release_flags[@]}" --scratch-path .build-deb)
echo "footprint: building otsentry (release, static Swift runtime, .build-deb; may wait for the lock) ..." >&2
swift build "${flags[@]}" > "$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; die "swift build failed"; }
bin_dir=$(swift build "${flags[@]}" --show-bin-path)
# Private copies: a rebuild in .build-deb during the run must not replace the running binary.
cp "$bin_dir/otsentry" "$work/otsentry.full"
strip --strip-unneeded -o "$work/otsentry" "$work/otsentry.full"
gcc -O2 -o "$work/bench_server" Benchmarks/poll/bench_server.c $(pkg-config --cflags --libs libmodbus)
gcc -O2 -o "$work/c_floor.full" Benchmarks/footprint/c_floor.c $(pkg-config --cflags --libs libmodbus libmosquitto)
strip --strip-unneeded -o "$work/c_floor" "$work/c_floor.full"
# Written back before they run, as an installed binary is: code pages still dirty in the page cache cannot be
# handed back by the agent after start-up (CodeRelease), which would count against it.
sync

agent_bytes=$(stat -c %s "$work/otsentry")
floor_bytes=$(stat -c %s "$work/c_floor")
libfoundation=no
ldd "$work/otsentry" | grep -Eq 'libFoundation(Internationalization)?\.so' && libfoundation=yes
static_foundation=$(nm "$work/otsentry.full" | grep -cE '\$s10Foundation|FoundationInternationalization|_FoundationICU' || true)
static_essentials=$(nm "$work/otsentry.full" | grep -cE 'FoundationEssentials' || true)
needed=$(readelf -d "$work/otsentry" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')

# --- Peers: the noisy PLC and a private broker.
plc_port=$(free_port)
mqtt_port=$(free_port)
"$work/bench_server" "$plc_port" noise 2> "$work/bench_server.log" &
started+=($!)
wait_for_port "$plc_port" 10 || die "bench_server did not start: $(cat "$work/bench_server.log")"
start_broker "$mqtt_port" "$work" > "$work/broker.pid"
started+=("$(cat "$work/broker.pid")")
wait_for_port "$mqtt_port" 10 || die "mosquitto did not start: $(cat "$work/mosquitto.log")"

# --- Boards.
board_head() {
    cat <<YAML
gateway: $gateway
mqtt: {url: "mqtt://127.0.0.1:$mqtt_port", client_id: otsentry-footprint}
summary_interval: 1s
devices:
  - id: plc
    tcp: 127.0.0.1:$plc_port
    timeout: 500ms
YAML
}
{ board_head; echo "    poll_interval: 1s"; echo "    channels:"; echo "      - {id: r0, table: holding, address: 0}"; } \
    > "$work/idle.yaml"
{ board_head; echo "    poll_interval: 100ms"; echo "    channels:"
  for i in $(seq 0 999); do echo "      - {id: r$i, table: holding, address: $i}"; done; } > "$work/load.yaml"
"$work/otsentry" check --board "$work/idle.yaml" > "$work/check-idle.txt" || die "idle board: $(cat "$work/check-idle.txt")"
"$work/otsentry" check --board "$work/load.yaml" > "$work/check.txt" || die "load board: $(cat "$work/check.txt")"
plan=$(sed -n 's/^  requests per poll cycle: \(.*\)$/\1/p' "$work/check.txt")
rings=$(sed -n 's/.* \([0-9]*\) bytes preallocated for rings$/\1/p' "$work/check.txt")
qos=$(sed -n 's/.*, qos \([0-2]\),.*/\1/p' "$work/check.txt")
[[ $plan == "8 (1000 registers,"* ]] || die "expected 8 requests of 125 registers per cycle, check says: $plan"

# --- Idle, one after the other: the floor, then the agent.
"$work/c_floor" "$plc_port" "$mqtt_port" 1 1 1000 2> "$work/floor-idle.log" &
pid=$!; started+=("$pid")
measure "$idle" "$pid" "$work/floor-idle.log"; floor_idle=${rss_end[0]}
stop "$pid"

mkdir -p "$work/state-idle" "$work/state-load"
STATE_DIRECTORY="$work/state-idle" "$work/otsentry" run --board "$work/idle.yaml" 2> "$work/agent-idle.log" &
pid=$!; started+=("$pid")
measure "$idle" "$pid" "$work/agent-idle.log"; agent_idle=${rss_end[0]}
stop "$pid"

# --- Loaded: side by side (the floor on its own copy of the server), or one after the other with SEQUENTIAL=1.
start_floor() {
    "$work/c_floor" "$1" "$mqtt_port" 2> "$work/floor.log" &
    floor_pid=$!; started+=("$floor_pid")
}
start_agent() {
    STATE_DIRECTORY="$work/state-load" "$work/otsentry" run --board "$work/load.yaml" 2> "$work/agent.log" &
    agent_pid=$!; started+=("$agent_pid")
}
# One summary, to confirm the load: 1,000 channels, each with the default bank's score and alert count.
read_summary() {
    mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -C 1 -W 10 -t "otsentry/$gateway/plc/summary" > "$work/summary.json" \
        2>/dev/null || true
}
keep_floor() {
    floor_end=${rss_end[$1]} floor_max=${rss_max[$1]} floor_cpu=${cpu[$1]} floor_cpu_tick=${cpu_tick[$1]}
    floor_load=$(cut -d' ' -f1 /proc/loadavg)
}
keep_agent() {
    agent_end=${rss_end[$1]} agent_max=${rss_max[$1]} agent_cpu=${cpu[$1]} agent_cpu_tick=${cpu_tick[$1]}
    agent_load=$(cut -d' ' -f1 /proc/loadavg)
}
if [ -n "${SEQUENTIAL:-}" ]; then
    measured="one after the other (SEQUENTIAL=1), the floor first"
    start_floor "$plc_port"
    warm "$warmup" "$floor_pid" "$work/floor.log"
    subscribe "$work/floor-sub.txt" "floor/#"; floor_sub=$sub
    measure "$seconds" "$floor_pid" "$work/floor.log"; keep_floor 0
    stop "$floor_sub"; stop "$floor_pid"
    start_agent
    warm "$warmup" "$agent_pid" "$work/agent.log"
    read_summary
    subscribe "$work/agent-sub.txt" "otsentry/$gateway/plc/summary" "otsentry/$gateway/alerts"; agent_sub=$sub
    measure "$seconds" "$agent_pid" "$work/agent.log"; keep_agent 0
else
    measured="side by side, over the same window"
    floor_plc_port=$(free_port)
    "$work/bench_server" "$floor_plc_port" noise 2> "$work/bench_server-floor.log" &
    started+=($!)
    wait_for_port "$floor_plc_port" 10 || die "bench_server did not start: $(cat "$work/bench_server-floor.log")"
    start_floor "$floor_plc_port"
    start_agent
    warm "$warmup" "$floor_pid" "$work/floor.log" "$agent_pid" "$work/agent.log"
    read_summary
    subscribe "$work/floor-sub.txt" "floor/#"; floor_sub=$sub
    subscribe "$work/agent-sub.txt" "otsentry/$gateway/plc/summary" "otsentry/$gateway/alerts"; agent_sub=$sub
    measure "$seconds" "$floor_pid" "$work/floor.log" "$agent_pid" "$work/agent.log"
    keep_floor 0; keep_agent 1
    stop "$floor_sub"; stop "$agent_sub"; stop "$floor_pid"
fi
[ -z "${SEQUENTIAL:-}" ] || stop "$agent_sub"
mosquitto_sub -h 127.0.0.1 -p "$mqtt_port" -C 1 -W 3 -t "otsentry/$gateway/plc/status" > "$work/status.json" \
    2>/dev/null || true
stop "$agent_pid"
floor_msgs=$(wc -l < "$work/floor-sub.txt")
floor_counters=$(grep -o 'cycles=.*' "$work/floor.log" || echo "no counters (log: $(tail -1 "$work/floor.log"))")
summaries=$(grep -c '/summary$' "$work/agent-sub.txt" || true)
alerts=$(grep -c '/alerts$' "$work/agent-sub.txt" || true)

# --- Report.
export work seconds plan rings qos needed libfoundation static_foundation static_essentials floor_counters summaries alerts floor_msgs \
    floor_bytes floor_idle floor_end floor_max floor_cpu agent_bytes agent_idle agent_end agent_max agent_cpu \
    floor_cpu_tick agent_cpu_tick cpu_source measured
python3 - <<'PY'
import json, os
e = os.environ
num = lambda k: float(e[k])
def mib(kb): return f"{kb / 1024:.1f} MiB"
def size(b): return f"{b / 1e6:.2f} MB" if b >= 1e6 else f"{b / 1e3:.1f} kB"
print(f"{'':<20}{'binary':>10}{'RSS idle':>12}{'RSS 1000ch@10Hz end / max':>29}{'CPU % of a core':>18}")
for name, p in (("plain C floor", "floor"), ("otsentry", "agent")):
    print(f"{name:<20}{size(num(p + '_bytes')):>10}{mib(num(p + '_idle')):>12}"
          f"{mib(num(p + '_end')) + ' / ' + mib(num(p + '_max')):>29}{num(p + '_cpu'):>18.2f}")
fc, ac, b = num("floor_cpu"), num("agent_cpu"), int(e["agent_bytes"])
ratio = f"{ac / fc:.2f}x" if fc > 0 else "n/a"
ft, at = num("floor_cpu_tick"), num("agent_cpu_tick")
print(f"loaded floor and agent measured {e['measured']}")
print(f"CPU from {e['cpu_source']}: floor {fc:.3f} %, otsentry {ac:.3f} %; utime+stime (sampled at the kernel's tick) "
      f"read {ft:.2f} % and {at:.2f} %" + (f" ({at / ft:.1f}x)" if ft > 0 else ""))
print(f"otsentry CPU / floor CPU: {ratio} (target <= 3x); otsentry RSS max {mib(num('agent_max'))} = "
      f"{num('agent_max') / 16384:.2f}x the 16 MiB target; binary {b} bytes = {b / 1e6:.2f} MB ({b / 2**20:.2f} MiB; "
      f"target <= 12 MB)")
print(f"binary: libFoundation.so needed: {e['libfoundation']}; full Foundation/ICU symbols linked statically: "
      f"{e['static_foundation']}; FoundationEssentials symbols: {e['static_essentials']}; "
      f"needs: {e['needed'].strip()}")
try:
    ch = list(json.load(open(e["work"] + "/summary.json"))["channels"].values())
    banked = sum(1 for c in ch if "score" in c and "alerts" in c)
    good = sum(1 for c in ch if c.get("q") == "good")
    n = sorted(c.get("n", 0) for c in ch)
    bank = f"{len(ch)} channels, {banked} with the default bank (score, alerts), {good} good, n {n[0]}..{n[-1]} per 1 s"
except Exception as x:
    bank = f"no summary read ({x})"
rings = f"{int(e['rings']):,}" if e["rings"].isdigit() else "?"
print(f"load: {e['plan'].split(' (')[0]} requests per 100 ms cycle, rings {rings} bytes, QoS {e['qos']}; "
      f"summary: {bank}")
secs, s, a, f = num("seconds"), int(e["summaries"]), int(e["alerts"]), int(e["floor_msgs"])
print(f"published in the {secs:.0f} s window: {s} summaries ({s / secs:.2f}/s), {a} alert events ({a / secs:.2f}/s); "
      f"floor {f} raw blocks ({f / secs:.1f}/s)")
try:
    st = json.load(open(e["work"] + "/status.json"))
    status = ", ".join(f"{k} {st.get(k)}" for k in ("state", "polls", "errors", "timeouts", "reconnects"))
except Exception as x:
    status = f"not read ({x})"
print(f"agent device status: {status}; floor: {e['floor_counters']}")
PY
# Alert openings are logged as warnings: count them apart from the other warnings and errors.
cat "$work/agent-idle.log" "$work/agent.log" | grep -E ' (warning|error|critical) ' > "$work/warnings.txt" || true
openings=$(grep -c ' warning alert open ' "$work/warnings.txt" || true)
grep -v ' warning alert open ' "$work/warnings.txt" > "$work/other-warnings.txt" || true
echo "agent log: $openings alert openings; $(wc -l < "$work/other-warnings.txt") other warning/error lines" \
     "(1-min load average at the end of the floor's and the agent's windows: $floor_load, $agent_load)"
head -5 "$work/other-warnings.txt"
