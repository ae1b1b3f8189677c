#!/bin/sh
# Two builds of one commit give the same bytes: the release tarball made by `make package`
# (in build-portable, dist/) is made again from scratch in another build directory, and
# the two tarballs — and the binaries in them — must be identical. (CI runs it after
# `make package`; it takes a second full build.)
set -eu
cd "$(dirname "$0")/.."
first=$(ls dist/relgate-*-linux-x86_64.tar.gz)
again=$(mktemp -d)
trap 'rm -rf "$again"' EXIT
BUILD_DIR="$again/build" DIST="$again/dist" scripts/package.sh >/dev/null
second="$again/dist/$(basename "$first")"
if ! cmp "$first" "$second"; then
  echo "FAIL: two builds of one commit differ"
  mkdir -p "$again/a" "$again/b"
  tar -xzf "$first" -C "$again/a"
  tar -xzf "$second" -C "$again/b"
  diff -r "$again/a" "$again/b" || true
  exit 1
fi
echo "ok: $first is the same, byte for byte, when built again ($(sha256sum "$first" | cut -d' ' -f1))"
