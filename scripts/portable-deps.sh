#!/usr/bin/env bash
# The one library Debian ships only as a shared object that the portable binary links
# statically: simdjson. Its source comes from Debian's own source package, the version the
# build's libsimdjson-dev is (so the portable binary parses JSON as the Debian build does),
# downloaded with apt-get from Debian's archive, which checks it against the signed index.
# A private sources list and list directory: the machine's apt configuration is not touched.
# Prints the directory holding singleheader/simdjson.{h,cpp}.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build-portable/deps}
version=$(dpkg-query -W -f='${source:Version}' libsimdjson-dev)
upstream=${version%-*}
dir=$out/simdjson-$upstream
if [ -f "$dir/singleheader/simdjson.cpp" ]; then
  echo "$dir"
  exit 0
fi
mkdir -p "$out/apt/lists/partial"
out=$(cd "$out" && pwd)
dir=$out/simdjson-$upstream
codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
printf 'deb-src http://deb.debian.org/debian %s main\n' "$codename" >"$out/apt/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$out/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$out/apt/lists" -o "APT::Sandbox::User=$(id -un)" -qq)
apt-get "${apt_opts[@]}" update >&2
(cd "$out" && apt-get "${apt_opts[@]}" source --download-only "simdjson=$version" >&2)
rm -rf "$dir"
mkdir -p "$dir"
tar -xzf "$out/simdjson_$upstream.orig.tar.gz" -C "$dir" --strip-components=1
[ -f "$dir/singleheader/simdjson.cpp" ] || { echo "no singleheader/simdjson.cpp in simdjson $upstream" >&2; exit 1; }
echo "$dir"
