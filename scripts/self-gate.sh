#!/usr/bin/env bash
# relgate gates its own release, as .ci/run's last stage: the release tarball `make
# package` wrote is decided by policies/relgate-release/ (built here into a bundle signed
# with a test key made for this run) on evidence relgate imports itself: the tarball as
# published and the commits of the release's range (the last RANGE commits, default 20).
# The decision is written as a signed VSA for the tarball's digest, which
# `verify-attestation` then checks. Exit status: the gate's (0 open, 1 shut, 2 undecided).
# Usage: scripts/self-gate.sh [RELGATE_BINARY]   (default: the portable binary)
set -euo pipefail
cd "$(dirname "$0")/.."
relgate=${1:-build-portable/relgate}
tarball=$(ls dist/relgate-*-linux-x86_64.tar.gz)
work=build/self-gate
rm -rf "$work"
mkdir -p "$work"

# A test key, made for this run and thrown away: a real release signs with the project's.
openssl genpkey -algorithm ed25519 -out "$work/test-key.pem" 2>/dev/null
openssl pkey -in "$work/test-key.pem" -pubout -out "$work/test-key.pub"
"$relgate" bundle build policies/relgate-release -o "$work/relgate-release.bundle" \
  --sign-key "$work/test-key.pem" --revision "$(git rev-parse --short=12 HEAD)"

# The evidence.
"$relgate" import archive "$tarball" -o "$work/archive.json"
count=$(git rev-list --count HEAD)
range=${RANGE:-20}
if [ "$count" -gt "$range" ]; then
  base=$(git rev-parse "HEAD~$range")
  "$relgate" import git . --range "$base..HEAD" -o "$work/git.json"
else
  "$relgate" import git . --range "$(git rev-list --max-parents=0 HEAD | tail -1)..HEAD" -o "$work/git.json"
fi

digest=$(sha256sum "$tarball" | cut -d' ' -f1)
status=0
"$relgate" eval --policy "$work/relgate-release.bundle" --bundle-key "$work/test-key.pub" \
  --facts "$work/archive.json" --facts "$work/git.json" \
  --subject "$(basename "$tarball")@sha256:$digest" \
  --attest "$work/vsa.json" --sign-key "$work/test-key.pem" || status=$?
"$relgate" verify-attestation "$work/vsa.json" --key "$work/test-key.pub" --subject "sha256:$digest"
echo "self-gate: $(basename "$tarball") decided by policies/relgate-release (bundle), exit $status; VSA verified"
exit "$status"
