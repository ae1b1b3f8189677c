#!/bin/sh
# Real Neovim (Debian's `neovim`, headless) with its built-in LSP client and
# editors/neovim/relgate.lua against `relgate lsp`: the diagnostics of a policy with an
# unknown fact arrive, a hover and a definition answer, and an edit clears the error.
# Usage: neovim_lsp.sh RELGATE_BINARY SOURCE_DIR
set -eu
binary=$1
source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/policy"
cat >"$work/policy/main.gate" <<'GATE'
package acme.release

facts { builder: { id: string, hosted: bool } }

deny hosted "built on {builder.id}":
  builder.hosted
  and builder.idd != ""
GATE
RELGATE_OUT=$work/out.tsv RELGATE_SOURCE=$source RELGATE_BINARY=$binary \
  RELGATE_CACHE=$work/cache RELGATE_POLICY=$work/policy/main.gate HOME=$work \
  XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_STATE_HOME=$work/state \
  timeout 120 nvim --headless -u NONE -i NONE -n \
  -c "luafile $source/tests/neovim/lsp_session.lua" >/dev/null 2>"$work/nvim.err" || true
cat "$work/out.tsv" 2>/dev/null || { cat "$work/nvim.err"; echo "neovim wrote nothing"; exit 1; }
expect() {
  if ! grep -qxF -- "$1" "$work/out.tsv"; then
    echo "missing: $1"
    exit 1
  fi
}
expect "filetype	gate"
expect "diagnostics_arrived	true"
expect "diagnostic	6:6 unknown-fact unknown fact \`builder.idd\`\\nhelp: did you mean \`builder.id\`?"
expect 'hover	```gate\n(fact) builder.hosted: bool\n```'
expect "definition	$(cd "$work/policy" && pwd -P)/main.gate 2:31"
expect "cleared	true"
echo "neovim: diagnostics, hover, definition and an edit through Neovim's LSP client"
