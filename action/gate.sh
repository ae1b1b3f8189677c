#!/usr/bin/env bash
# action.yml, step 2: the gate. Every input is an argument of its own (facts one per
# line); `--format github` writes the annotations and appends the job summary; the verdict
# and exit code become the step's outputs; the step exits with relgate's code (0 open, 1
# shut, 2 undecided), so anything but an open gate fails the job.
set -uo pipefail
relgate=$RUNNER_TEMP/relgate/bin/relgate
decision=$RUNNER_TEMP/relgate-decision.json
rm -f "$decision"
args=(eval --policy "$RELGATE_POLICY" --bundle-key "$RELGATE_BUNDLE_KEY")
while IFS= read -r fact; do
  [ -n "$fact" ] && args+=(--facts "$fact")
done <<<"$RELGATE_FACTS"
args+=(--format github --format json --output "$decision")
[ -n "${RELGATE_SARIF:-}" ] && args+=(--format sarif --output "$RELGATE_SARIF")
if [ -n "${RELGATE_ATTEST:-}" ]; then
  args+=(--attest "$RELGATE_ATTEST" --sign-key "$RELGATE_SIGN_KEY")
fi
"$relgate" "${args[@]}"
code=$?
verdict=undecided
if [ -f "$decision" ]; then
  verdict=$(grep -o '"verdict":"[a-z]*"' "$decision" | head -n 1 | cut -d'"' -f4)
fi
{
  echo "verdict=${verdict:-undecided}"
  echo "exit-code=$code"
} >>"$GITHUB_OUTPUT"
exit "$code"
