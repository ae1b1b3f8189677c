#!/bin/sh
# The portable binary as a runner that is not Debian gets it: `ldd` lists glibc and
# nothing else, it is at most 20 MB, and in an empty root holding only it and glibc's
# loader, libc and libm (a chroot; in a user namespace when not root) it reports its
# version and decides a release with a signed policy bundle, open and shut.
set -eu
binary=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

libs=$(ldd "$binary" | awk '{print $1}' | sort | tr '\n' ' ')
[ "$libs" = "/lib64/ld-linux-x86-64.so.2 libc.so.6 libm.so.6 linux-vdso.so.1 " ] ||
  fail "the portable binary needs more than glibc: $libs"
size=$(stat -c %s "$binary")
[ "$size" -le $((20 * 1024 * 1024)) ] || fail "the portable binary is $size bytes, over 20 MB"

# The bundle and the facts, made outside the root (openssl is not in it).
openssl genpkey -algorithm ed25519 -out "$work/org.pem" 2>/dev/null
openssl pkey -in "$work/org.pem" -pubout -out "$work/org.pub"
cd "$source_dir"
"$binary" bundle build policies -o "$work/org.bundle" --sign-key "$work/org.pem" \
  --revision portable-test >/dev/null

root=$work/root
mkdir -p "$root/lib64" "$root/lib/x86_64-linux-gnu" "$root/gate"
cp /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
cp /lib/x86_64-linux-gnu/libc.so.6 /lib/x86_64-linux-gnu/libm.so.6 "$root/lib/x86_64-linux-gnu/"
cp "$binary" "$root/relgate"
cp "$work/org.bundle" "$work/org.pub" "$root/gate/"
cp examples/releases/open/release.yaml "$root/gate/open.yaml"
cp examples/releases/shut-reviews/release.json "$root/gate/shut.json"
if [ "$(id -u)" = 0 ]; then
  in_root() { chroot "$root" "$@"; }
else
  in_root() { unshare --user --map-root-user chroot "$root" "$@"; }
fi
[ "$(find "$root" -type f | wc -l)" = 8 ] || fail "the root holds more than the binary, glibc and the inputs"

out=$(in_root /relgate version) || fail "relgate version does not run in the empty root: $out"
printf '%s\n' "$out" | grep -q '^relgate ' || fail "relgate version printed: $out"
set +e
open=$(in_root /relgate eval --policy /gate/org.bundle --bundle-key /gate/org.pub \
  --facts /gate/open.yaml --now 2026-06-01T00:00:00Z 2>&1)
open_exit=$?
shut=$(in_root /relgate eval --policy /gate/org.bundle --bundle-key /gate/org.pub \
  --facts /gate/shut.json --now 2026-06-01T00:00:00Z 2>&1)
shut_exit=$?
set -e
[ "$open_exit" = 0 ] || fail "the open release exited $open_exit: $open"
printf '%s\n' "$open" | grep -q "GATE OPEN" || fail "no GATE OPEN: $open"
printf '%s\n' "$open" | grep -q "revision portable-test" || fail "the bundle is not recorded: $open"
[ "$shut_exit" = 1 ] || fail "the shut release exited $shut_exit: $shut"
printf '%s\n' "$shut" | grep -q "baseline.two_person_review" || fail "no finding: $shut"
echo "ok: $binary ($size bytes) needs only glibc and decides in an empty root"
