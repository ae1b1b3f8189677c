#!/usr/bin/env bash
# The main job: the gate decision for every shipped example release, with the evaluation
# time fixed so that the output is the same on every run. Each decision's exit code is
# printed; 0 opens the gate, 1 keeps it shut by policy, 2 keeps it shut undecided.
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
