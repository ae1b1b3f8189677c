#!/usr/bin/env bash
# make package: the release tarball relgate-VERSION-linux-x86_64.tar.gz in dist/, holding
# the portable binary (linked statically against everything but glibc; RELGATE_PORTABLE),
# its man pages and its documentation. Reproducible: file times are the commit's
# (SOURCE_DATE_EPOCH), owners and order fixed, gzip without a name or time, and the build
# embeds no path (-ffile-prefix-map) and no time; two builds of one commit give the same
# bytes (tests/reproducible_package.sh checks it). BUILD_DIR and DIST to build elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${BUILD_DIR:-build-portable}
dist=${DIST:-dist}
scripts/install-deps.sh
simdjson=$(scripts/portable-deps.sh "$build/deps")
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)}
# A unity build (eight sources to a translation unit): the headers are parsed once per eight
# files, not once per file, and this build is always from scratch.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DRELGATE_PORTABLE=ON -DRELGATE_BUILD_TESTS=OFF \
  -DCMAKE_UNITY_BUILD=ON -DRELGATE_SIMDJSON_SOURCE="$simdjson" >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target relgate relgate_man
version=$("$build/relgate" version --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')
name=relgate-$version-linux-x86_64
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/$name
mkdir -p "$root/bin" "$root/share/man/man1" "$root/share/doc/relgate/docs"
install -m 0755 "$build/relgate" "$root/bin/relgate"
install -m 0644 "$build"/man/*.1 "$root/share/man/man1/"
install -m 0644 README.md "$root/share/doc/relgate/"
install -m 0644 docs/*.md "$root/share/doc/relgate/docs/"
mkdir -p "$dist"
tarball=$dist/$name.tar.gz
tar --sort=name --mtime="@$SOURCE_DATE_EPOCH" --owner=0 --group=0 --numeric-owner \
  --mode='go-w' -C "$stage" -cf - "$name" | gzip -9n >"$tarball.tmp"
mv "$tarball.tmp" "$tarball"
echo "$tarball sha256:$(sha256sum "$tarball" | cut -d' ' -f1) ($(stat -c %s "$build/relgate") byte binary)"
