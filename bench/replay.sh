#!/usr/bin/env bash
# Times the `relgate replay` process end to end over the reference workload as JSON
# Lines, on 1 and 2 threads, with the shipped policy as candidate and baseline (two
# decisions per release, JSON parsing included), and its peak memory when GNU time is
# installed. N releases (default 100,000, about 2.2 GB) are generated once into
# build-bench/ by ../shared/workload/generate.mjs (seed 42); they are not committed.
# The Google Benchmark figures (make bench) measure the same in process, by stage.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-100000}
make --no-print-directory compile-cli >/dev/null
data=build-bench/releases-${n}.ndjson
mkdir -p build-bench
[ -f "$data" ] || node ../shared/workload/generate.mjs --n "$n" --seed 42 --out "$data"
bytes=$(stat -c %s "$data")
timer=()
[ -x /usr/bin/time ] && timer=(/usr/bin/time -f "  peak memory %M KB")
for threads in 1 2; do
  start=$(date +%s%N)
  "${timer[@]}" build/relgate replay --policy policies --history "$data" --baseline policies \
    --threads "$threads" --format json >/dev/null
  end=$(date +%s%N)
  ns=$((end - start))
  echo "threads=$threads: $n releases ($((bytes >> 20)) MiB) in $((ns / 1000000)) ms:" \
    "$((n * 1000000000 / ns)) releases/s, $((bytes * 1000 / ns)) MB/s"
done
