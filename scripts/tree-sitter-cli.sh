#!/usr/bin/env bash
# Debian's tree-sitter-cli, for the grammar in editors/tree-sitter-gate. Debian 12 has no
# tree-sitter-cli, so the one of Debian 13 (trixie) is used, with trixie's own C library
# beside it (the binary needs glibc 2.39): the packages are downloaded with apt-get from
# Debian's archive, which checks them against the signed index, unpacked into the build
# directory, and the binary is started through trixie's dynamic loader. A private sources
# list and list directory: the machine's apt configuration is not touched. (npm's
# tree-sitter-cli downloads its binary from GitHub, which this project's builds cannot
# reach.) Prints the path of a `tree-sitter` wrapper.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/tools/tree-sitter}
mkdir -p "$out"
out=$(cd "$out" && pwd)
wrapper=$out/tree-sitter
if [ -x "$wrapper" ] && "$wrapper" --version >/dev/null 2>&1; then
  echo "$wrapper"
  exit 0
fi
mkdir -p "$out/apt/lists/partial" "$out/debs"
printf 'deb http://deb.debian.org/debian trixie main\n' >"$out/apt/sources.list"
apt_opts=(-o "Dir::Etc::SourceList=$out/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$out/apt/lists" -o "APT::Sandbox::User=$(id -un)" -qq)
apt-get "${apt_opts[@]}" update >&2
(cd "$out/debs" && rm -f ./*.deb && apt-get "${apt_opts[@]}" download tree-sitter-cli libc6 libgcc-s1 >&2)
rm -rf "$out/root"
for deb in "$out"/debs/*.deb; do
  dpkg-deb -x "$deb" "$out/root"
done
cat >"$wrapper" <<WRAP
#!/bin/sh
exec "$out/root/usr/lib64/ld-linux-x86-64.so.2" --library-path "$out/root/usr/lib/x86_64-linux-gnu" "$out/root/usr/bin/tree-sitter" "\$@"
WRAP
chmod +x "$wrapper"
"$wrapper" --version >&2
echo "$wrapper"
