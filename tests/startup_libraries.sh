#!/bin/sh
# A gate that never touches a database or an archive loads neither library nor their
# dependency chains (engine/base/shared_library.h); an archive import loads libarchive when
# it needs it. The dynamic loader's own account (LD_DEBUG=libs) says what was loaded.
set -u
relgate=$1
cd "$(dirname "$0")/.."
loaded() { LD_DEBUG=libs "$@" 2>&1 >/dev/null | sed -n 's/.*calling init: //p'; }

eval_libs=$(loaded "$relgate" eval --policy policies --facts examples/releases/open/release.yaml \
  --now 2026-06-01T00:00:00Z)
for lib in libpq libarchive libkrb5 libldap libgnutls libicu libxml2 libssl; do
  if printf '%s\n' "$eval_libs" | grep -q "$lib"; then
    echo "FAIL: relgate eval loaded $lib:"; printf '%s\n' "$eval_libs"; exit 1
  fi
done
archive_libs=$(loaded "$relgate" import archive examples/imported/evidence/package.tgz)
if ! printf '%s\n' "$archive_libs" | grep -q libarchive; then
  echo "FAIL: relgate import archive did not load libarchive:"; printf '%s\n' "$archive_libs"
  exit 1
fi
echo "eval loads: $(printf '%s\n' "$eval_libs" | sed 's#.*/##' | sort -u | tr '\n' ' ')"
