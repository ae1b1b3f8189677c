#!/usr/bin/env bash
# The main job: the gate decision for every shipped example release, with the evaluation
# time fixed so that the output is the same on every run. Each decision's exit code is
# printed; 0 opens the gate, 1 keeps it shut by policy, 2 keeps it shut undecided. Then a
# dry-run: the example releases are recorded in a fresh history, and a proposed policy
# (examples/candidate/) is replayed over it against the verdicts recorded.
set -uo pipefail
cd "$(dirname "$0")/.."
relgate=${RELGATE:-build/relgate}
now=2026-06-01T00:00:00Z

run() {
  printf '$ relgate'; printf ' %q' "$@"; echo
  "$relgate" "$@"
  echo "(exit $?)"
  echo
}

"$relgate" check policies || exit 2
echo
for dir in examples/releases/*/; do
  args=()
  for f in "$dir"*.yaml "$dir"*.json; do
    [ -e "$f" ] && args+=(--facts "$f")
  done
  run eval --policy policies "${args[@]}" --now "$now"
done
run eval --policy policies --facts examples/releases/hold-branch/release.yaml --now "$now" \
  --override main_branch --by ops-lead --reason "INC-42 login hotfix"
run eval --policy policies --facts examples/releases/excepted/release.yaml --now 2027-07-01

# The dry-run of a policy change over the releases just recorded.
history=build/demo-history.db
rm -f "$history" "$history-wal" "$history-shm"
for dir in examples/releases/*/; do
  args=()
  for f in "$dir"*.yaml "$dir"*.json; do
    [ -e "$f" ] && args+=(--facts "$f")
  done
  "$relgate" eval --policy policies "${args[@]}" --now "$now" --record "$history" >/dev/null
done
run history list --history "$history"
run replay --policy examples/candidate --history "$history" --baseline recorded
