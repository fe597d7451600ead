#!/usr/bin/env python3
"""Soak benchmark (issue 5): the agent polls 10,000 registers/s (8 blocks of 125 holding registers every 100 ms,
1,000 channels with the default detector bank) from a C libmodbus server for DURATION seconds (default 3600) while
the mosquitto broker is stopped for 20 s every 5 minutes, the first time after FIRST_BOUNCE seconds (default 30,
so that the reconnect and replay paths have run once before the 1-minute baseline: the code they need is mapped
the first time they run, which is warm-up, not growth; pass 300 for the schedule without that warm-up outage).
Detector snapshots are written every 30 s instead of the default 5 min: the first one also runs before the baseline
(the same warm-up reasoning), and the hour writes 120 snapshots instead of 12, so a leak on that path shows ten times
sooner. A persistent-session subscriber records every summary.

At the end it prints: summaries expected and received, missing and duplicated seq numbers, and the agent's resident
memory (VmRSS) sampled every 10 s: at 1 minute, the maximum after it, the last, and the growth.

    python3 Benchmarks/soak/soak.py [DURATION_SECONDS] [BOUNCE_EVERY_SECONDS] [FIRST_BOUNCE_SECONDS]
"""
import json, os, shutil, signal, socket, subprocess, sys, tempfile, threading, time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
duration = int(sys.argv[1]) if len(sys.argv) > 1 else 3600
bounce_every = int(sys.argv[2]) if len(sys.argv) > 2 else 300
first_bounce = int(sys.argv[3]) if len(sys.argv) > 3 else 30
outage = 20


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def wait_port(port, seconds=10):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close(); return True
        except OSError:
            time.sleep(0.05)
    return False


work = tempfile.mkdtemp(prefix="otsentry-soak-")
build = os.path.join(root, ".build")
# The binary as the package builds it (Packaging/release-flags), unless OTSENTRY_BIN names one.
source = os.environ.get("OTSENTRY_BIN")
if not source:
    flags = subprocess.run(["bash", "-c", "source Packaging/release-flags; printf '%s\\n' \"${release_flags[@]}\""],
                           cwd=root, check=True, capture_output=True, text=True).stdout.split("\n")[:-1]
    flags += ["--scratch-path", os.path.join(root, ".build-deb")]
    subprocess.run(["swift", "build"] + flags, cwd=root, check=True)
    source = subprocess.run(["swift", "build"] + flags + ["--show-bin-path"], cwd=root, check=True,
                            capture_output=True, text=True).stdout.strip() + "/otsentry"
# A private copy: a rebuild during the hour must not replace the running binary.
agent_bin = os.path.join(work, "otsentry")
shutil.copy2(source, agent_bin)
os.sync()  # clean pages, as for an installed binary (dirty code pages cannot be handed back after start-up)
server_bin = os.path.join(build, "bench", "bench_server")
os.makedirs(os.path.dirname(server_bin), exist_ok=True)
cflags = subprocess.run(["pkg-config", "--cflags", "--libs", "libmodbus"], capture_output=True, text=True).stdout.split()
subprocess.run(["gcc", "-O2", "-o", server_bin, os.path.join(root, "Benchmarks/poll/bench_server.c")] + cflags, check=True)

plc_port, mqtt_port = free_port(), free_port()
server = subprocess.Popen([server_bin, str(plc_port)], stderr=subprocess.DEVNULL)
wait_port(plc_port)

conf = os.path.join(work, "mosquitto.conf")
with open(conf, "w") as f:
    f.write(f"listener {mqtt_port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {work}/\nautosave_interval 5\n")
    if os.geteuid() == 0:
        f.write("user root\n")


def start_broker():
    b = subprocess.Popen(["mosquitto", "-c", conf], stderr=open(os.path.join(work, "mosquitto.log"), "a"))
    wait_port(mqtt_port)
    return b


broker = start_broker()
channels = "\n".join(f"      - {{id: r{i}, table: holding, address: {i}}}" for i in range(1000))
board = os.path.join(work, "board.yaml")
with open(board, "w") as f:
    f.write(f"""gateway: soak
mqtt: {{url: "mqtt://127.0.0.1:{mqtt_port}", qos: 1}}
summary_interval: 1s
snapshot_interval: 30s
spool: {{replay_rate: 200}}
devices:
  - id: plc
    tcp: 127.0.0.1:{plc_port}
    poll_interval: 100ms
    timeout: 500ms
    channels:
{channels}
""")
received, lock = [], threading.Lock()


def subscribe():
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(mqtt_port), "-q", "1", "-c", "-i",
                            "soak-sub", "-t", "otsentry/soak/plc/summary"], stdout=subprocess.PIPE, text=True)
    for line in sub.stdout:
        try:
            seq = json.loads(line)["seq"]
        except Exception:
            continue
        with lock:
            received.append(seq)


# The persistent session must exist before the agent publishes.
threading.Thread(target=subscribe, daemon=True).start()
time.sleep(1)
env = dict(os.environ, STATE_DIRECTORY=os.path.join(work, "state"))
agent = subprocess.Popen([agent_bin, "run", "--board", board], env=env, stderr=open(os.path.join(work, "agent.log"), "w"))
start = time.time()
rss = []
anon = []  # RssAnon: the data; VmRSS also counts clean code pages faulted in when a path first runs
next_bounce = start + first_bounce
while time.time() - start < duration:
    time.sleep(10)
    with open(f"/proc/{agent.pid}/status") as f:
        fields = {l.split(":")[0]: int(l.split()[1]) for l in f if l.startswith(("VmRSS", "RssAnon"))}
    kb = fields["VmRSS"]
    rss.append((time.time() - start, kb))
    anon.append((time.time() - start, fields["RssAnon"]))
    if time.time() >= next_bounce:
        broker.send_signal(signal.SIGTERM); broker.wait()
        time.sleep(outage)
        broker = start_broker()
        next_bounce += bounce_every
        print(f"{time.time() - start:7.0f} s: broker bounced; RSS {kb} kB; {len(received)} summaries", flush=True)

agent.send_signal(signal.SIGTERM); agent.wait()
time.sleep(5)
with lock:
    got = list(received)
last = max(got) if got else 0
missing = sorted(set(range(1, last + 1)) - set(got))
dups = len(got) - len(set(got))
after_minute = [kb for t, kb in rss if t >= 60]
base = after_minute[0] if after_minute else 0
peak = max(after_minute) if after_minute else 0
print(f"duration {duration} s, broker stopped {outage} s every {bounce_every} s, first at {first_bounce} s")
print(f"summaries: last seq {last}, received {len(got)}, missing {len(missing)} {missing[:10]}, duplicates {dups}")
print(f"VmRSS at 1 min {base} kB, max after {peak} kB, last {rss[-1][1] if rss else 0} kB, "
      f"growth {100.0 * (peak - base) / base if base else 0:.2f} %")
anon_after = [kb for t, kb in anon if t >= 60]
abase, apeak = (anon_after[0], max(anon_after)) if anon_after else (0, 0)
print(f"RssAnon at 1 min {abase} kB, max after {apeak} kB, last {anon[-1][1] if anon else 0} kB, "
      f"growth {100.0 * (apeak - abase) / abase if abase else 0:.2f} %")
for p in (server, broker):
    p.terminate()
