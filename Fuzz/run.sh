#!/usr/bin/env bash
# Builds the libFuzzer targets (-sanitize=fuzzer,address) and runs each for SECONDS (default 60), seeded with the
# repository's boards and the regression inputs. Exit status: 0 when no target found a crash. A crash leaves its
# input in Fuzz/Findings/; copy it to Fuzz/Regressions/<target>/ (the test suite replays those) once fixed.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 | grep -v "Cannot export local symbol" | tail -3
bin=$(swift build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --show-bin-path 2>/dev/null)
mkdir -p Findings
export SWIFT_BACKTRACE=enable=no  # Swift's backtracer trips ASan on a trap; libFuzzer reports it cleanly without
status=0
run() {
    local target=$1 regressions=$2; shift 2
    local corpus
    corpus=$(mktemp -d /tmp/otsentry-fuzz-corpus.XXXXXX)
    echo "fuzz: $target for ${seconds}s" >&2
    if ! "$bin/$target" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix=Findings/"$target"- \
            -rss_limit_mb=2048 -max_len=4096 "$corpus" "Regressions/$regressions" "$@" 2> "Findings/$target.log"; then
        echo "fuzz: $target FOUND A CRASH:" >&2
        grep -E "ERROR|Fatal|crash|panic|SUMMARY" "Findings/$target.log" | head -20 >&2
        status=1
    fi
    grep -E "stat::number_of_executed_units|cov:" "Findings/$target.log" | tail -2 >&2 || true
    rm -rf "$corpus"
}
run FuzzBoard board ../Boards ../Boards/profiles ../Boards/gateways
run FuzzRegisters registers
run FuzzDeviceIdentification device-identification
run FuzzSparkplug sparkplug
exit $status
