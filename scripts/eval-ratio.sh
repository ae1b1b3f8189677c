#!/usr/bin/env bash
# Evaluation of R1-R8 against the same rules written by hand (bench/handwritten.cpp), as a
# ratio this VM's noise moves little: ROUNDS runs of both benchmarks (default 5), each run
# 7 repetitions; per run the ratio of the fastest repetitions, then the median over runs.
# Extra arguments go to Google Benchmark. Run scripts/bench.sh once first (it builds
# build-bench and generates the workload).
set -euo pipefail
cd "$(dirname "$0")/.."
export RELGATE_WORKLOAD=${RELGATE_WORKLOAD:-build-bench/releases-1k.ndjson}
[ -f "$RELGATE_WORKLOAD" ] || RELGATE_WORKLOAD=tests/data/workload/sample.ndjson
bench=build-bench/bench/relgate_bench
if [ ! -x "$bench" ]; then
  echo "eval-ratio: $bench is not built; run scripts/bench.sh once first" >&2
  exit 2
fi
rounds=${ROUNDS:-5}
for _ in $(seq "$rounds"); do
  "$bench" --benchmark_filter='Evaluate/baseline_only:1/cold:0|HandWritten/1/cold:0' \
    --benchmark_repetitions=7 --benchmark_min_time=0.2s --benchmark_format=json "$@" 2>/dev/null
done | python3 -c '
import json, statistics, sys
decoder, text, runs = json.JSONDecoder(), sys.stdin.read(), []
while text.strip():
    doc, end = decoder.raw_decode(text.lstrip())
    text = text.lstrip()[end:]
    times = {}
    for b in doc["benchmarks"]:
        if b.get("run_type") == "iteration":
            times.setdefault(b["run_name"].split("/")[0], []).append(b["cpu_time"])
    runs.append((min(times["BM_Evaluate"]), min(times["BM_HandWritten"])))
for e, h in runs:
    print(f"relgate {e:.2f} us, hand-written {h:.2f} us: {e / h:.2f}x")
ratio = statistics.median(e / h for e, h in runs)
print(f"median of {len(runs)} runs: {ratio:.2f}x")
'
