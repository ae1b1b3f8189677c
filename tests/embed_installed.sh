#!/bin/sh
# The embeddable library as a user gets it: `cmake --install` into a fresh prefix, then
# examples/embed configured against that prefix alone (find_package(relgate)), built and
# run on shipped releases: open, shut by policy, undecided on a missing fact, malformed
# facts; each verdict and exit code as `relgate eval` gives them.
set -eu
build=$1
source_dir=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/examples/embed" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
gate=$work/build/gate
cd "$source_dir"
expect() {  # expect EXIT TEXT ARGS...
  want_exit=$1 want_text=$2
  shift 2
  set +e
  out=$("$gate" "$@" 2>&1)
  got=$?
  set -e
  if [ "$got" != "$want_exit" ] || ! printf '%s\n' "$out" | grep -qF -- "$want_text"; then
    echo "FAIL: gate $* exited $got (want $want_exit), printed:"; printf '%s\n' "$out"
    echo "(wanted a line with: $want_text)"; exit 1
  fi
}
expect 0 "policy acme.release (10 rules): open" policies examples/releases/open/release.yaml
expect 1 "blocking baseline.two_person_review" policies examples/releases/shut-reviews/release.json
expect 2 "error baseline.trusted_builder builder.ephemeral: missing fact (expected bool)" \
  policies examples/releases/undecided-missing-fact/release.yaml
printf 'release: [\n' >"$work/bad.yaml"
expect 2 "facts: $work/bad.yaml:2:1: error: invalid YAML" policies "$work/bad.yaml"
printf 'package p\ndeny r "m": nope\n' >"$work/bad.gate"
expect 2 "bad.gate:2:13" "$work/bad.gate" examples/releases/open/release.yaml
# The man pages, one per command, as man renders them.
man_dir=$work/prefix/share/man/man1
for page in relgate relgate-eval relgate-replay relgate-import relgate-verify-bundle relgate-version; do
  [ -f "$man_dir/$page.1" ] || { echo "FAIL: no man page $page.1"; exit 1; }
done
rendered=$(MANWIDTH=200 man -l "$man_dir/relgate-eval.1" 2>&1)
for want in "relgate-eval - Decide one release" "relgate eval [OPTIONS]" "--policy TEXT" \
  "SEE ALSO" "relgate-replay(1)"; do
  printf '%s\n' "$rendered" | grep -qF -- "$want" || {
    echo "FAIL: man relgate-eval lacks: $want"; printf '%s\n' "$rendered"; exit 1
  }
done
if grep -rqF "$source_dir" "$man_dir"; then
  echo "FAIL: a man page names the build's path"; exit 1
fi
# Only the public header was installed, and the program links no database or archive library.
[ "$(find "$work/prefix/include" -type f | wc -l)" = 1 ]
if ldd "$gate" | grep -E 'libpq|libarchive|libsqlite'; then
  echo "FAIL: the embedding program links a backend"; exit 1
fi
echo "embed-installed: ok"
