#!/usr/bin/env bash
# Builds and runs the benchmarks. With Node.js and ../shared/workload present, the
# workload is 1,000 releases from the reference generator (--seed 42), and replay runs
# over 100,000 (about 2.2 GB, generated once into build-bench/, never committed;
# REPLAY_N to change); otherwise the committed test sample. Extra arguments go to Google
# Benchmark (e.g. --benchmark_filter=Replay).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DRELGATE_BENCH=ON -DRELGATE_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target relgate_bench relgate
generator=../shared/workload/generate.mjs
if [ -z "${RELGATE_WORKLOAD:-}" ] && [ -f "$generator" ] && command -v node >/dev/null; then
  export RELGATE_WORKLOAD=build-bench/releases-1k.ndjson
  [ -f "$RELGATE_WORKLOAD" ] || node "$generator" --n 1000 --seed 42 --out "$RELGATE_WORKLOAD"
fi
if [ -z "${RELGATE_REPLAY_WORKLOAD:-}" ] && [ -f "$generator" ] && command -v node >/dev/null; then
  n=${REPLAY_N:-100000}
  export RELGATE_REPLAY_WORKLOAD=build-bench/releases-$n.ndjson
  [ -f "$RELGATE_REPLAY_WORKLOAD" ] ||
    node "$generator" --n "$n" --seed 42 --out "$RELGATE_REPLAY_WORKLOAD"
fi
exec build-bench/bench/relgate_bench "$@"
