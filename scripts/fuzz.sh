#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, ASan and UBSan, and runs each for a bounded
# time: FUZZ_SECONDS (default 300) per target, or FUZZ_BUDGET shared among them, on a copy of the committed corpus so that
# new inputs do not dirty the tree. A crash, leak, sanitizer report or slow input stops
# the run with its reproducer under build-fuzz/artifacts/; add it to
# fuzz/corpus/<target>/ once fixed, so that ctest replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
RELGATE_WITH_FUZZ=1 scripts/install-deps.sh
targets=${FUZZ_TARGETS:-"policy yaml json eval import sigstore lsp"}
# FUZZ_BUDGET (seconds) is shared among the targets, so that adding one does not lengthen
# CI; else FUZZ_SECONDS per target.
if [ -n "${FUZZ_BUDGET:-}" ]; then
  set -- $targets
  seconds=$((FUZZ_BUDGET / $#))
else
  seconds=${FUZZ_SECONDS:-300}
fi
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
  -DRELGATE_FUZZ=ON -DRELGATE_BUILD_TESTS=OFF -DRELGATE_WERROR=OFF -DCMAKE_UNITY_BUILD=ON >/dev/null
cmake --build build-fuzz -j2 --target $(for t in $targets; do printf '%s_fuzz ' "$t"; done)
mkdir -p build-fuzz/artifacts
# One target on its corpus copy; its summary lines go to build-fuzz/<target>.log.
fuzz_one() {
  local t=$1 work=build-fuzz/corpus/$1
  mkdir -p "$work"
  cp -n fuzz/corpus/$t/* "$work"/ 2>/dev/null || true
  LSAN_OPTIONS=suppressions=fuzz/lsan.supp:print_suppressions=0 \
    build-fuzz/fuzz/${t}_fuzz "$work" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -artifact_prefix=build-fuzz/artifacts/${t}- -print_final_stats=1 2>&1 |
    grep -E "^(#[0-9]+ +DONE|stat::|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" \
      >"build-fuzz/$t.log" || true
}
# libFuzzer runs a target on one core: two targets at a time (FUZZ_JOBS) use both cores
# of a CI machine, and the budget's wall-clock time halves.
set -- $targets
while [ $# -gt 0 ]; do
  batch=()
  for _ in $(seq "${FUZZ_JOBS:-2}"); do
    [ $# -gt 0 ] || break
    batch+=("$1")
    shift
  done
  for t in "${batch[@]}"; do
    echo "== fuzzing $t for ${seconds}s"
    fuzz_one "$t" &
  done
  wait
  for t in "${batch[@]}"; do
    sed "s/^/$t: /" "build-fuzz/$t.log"
    if ls build-fuzz/artifacts/${t}-* >/dev/null 2>&1; then
      echo "fuzz target $t found a problem: build-fuzz/artifacts/${t}-*"
      exit 1
    fi
  done
done
