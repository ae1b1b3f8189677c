#!/usr/bin/env bash
# action.yml, step 1: download the release tarball, refuse it unless its sha256 is the one
# pinned, unpack it into $RUNNER_TEMP/relgate, and put its bin/ on the job's PATH.
set -euo pipefail
url=${RELGATE_TARBALL_URL:?tarball-url is required}
want=${RELGATE_TARBALL_SHA256:?tarball-sha256 is required}
if ! [[ $want =~ ^[0-9a-f]{64}$ ]]; then
  echo "::error title=relgate::tarball-sha256 must be 64 lower-case hex digits"
  exit 2
fi
dir=$RUNNER_TEMP/relgate
rm -rf "$dir"
mkdir -p "$dir"
curl --fail --silent --show-error --location --proto '=https,file' --output "$dir/relgate.tar.gz" "$url"
got=$(sha256sum "$dir/relgate.tar.gz" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "::error title=relgate::the tarball is sha256:$got, not the pinned sha256:$want; not installed"
  rm -rf "$dir"
  exit 2
fi
tar -xzf "$dir/relgate.tar.gz" -C "$dir" --strip-components=1
rm "$dir/relgate.tar.gz"
"$dir/bin/relgate" version
echo "$dir/bin" >>"$GITHUB_PATH"
