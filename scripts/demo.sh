#!/usr/bin/env bash
# The main job: the gate decision for every shipped example release, with the evaluation
# time fixed so that the output is the same on every run. Each decision's exit code is
# printed; 0 opens the gate, 1 keeps it shut by policy, 2 keeps it shut undecided. Then
# dry-runs of a proposed policy change (examples/history/candidate/): over the example
# releases, recorded in a fresh history, against the verdicts recorded; and over 300
# past releases (examples/history/releases.jsonl) against the policy in force.
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

# A release decided on evidence imported as it is produced: lockfile, SBOM, provenance,
# the package archive, the release workflow and the reviews.
run eval --policy examples/imported/policy \
  --facts npm-lock:examples/imported/evidence/package-lock.json \
  --facts cyclonedx:examples/imported/evidence/bom.cdx.json \
  --facts slsa:examples/imported/evidence/provenance.sigstore.json \
  --facts archive:examples/imported/evidence/package.tgz \
  --facts github-workflow:examples/imported/evidence/release.yml \
  --facts github-reviews:examples/imported/evidence/reviews.json --now "$now"

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
run replay --policy examples/history/candidate --history "$history" --baseline recorded

# The same change over a history of 300 releases; the whole report as one HTML page.
report=build/demo-replay.html
"$relgate" replay --policy examples/history/candidate --history examples/history/releases.jsonl \
  --baseline policies --format html --output "$report"
run replay --policy examples/history/candidate --history examples/history/releases.jsonl \
  --baseline policies
echo "(the same report as a page: $report)"

# A supply-chain incident replayed: releases of a project, then the one xz-utils shipped
# (a tarball file that is not in the tagged tree); the organisation's policy blocks only it.
run replay --policy policies/org --history examples/incidents/xz-utils/releases
