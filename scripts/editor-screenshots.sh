#!/usr/bin/env bash
# The pictures in docs/editors.md, taken headlessly: Neovim (Debian's, in tmux) with
# relgate's language server showing a diagnostic and a hover, and the tree-sitter
# grammar's highlighting as tree-sitter-cli renders it; each page rendered to PNG by
# headless Chromium. Needs a built relgate (make), tmux, neovim and chromium.
# Usage: scripts/editor-screenshots.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${1:-build}
relgate=$root/$build/relgate
work=$(mktemp -d)
trap 'tmux kill-session -t relgate-shot 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/policy" docs/images
cat >"$work/policy/release.gate" <<'GATE'
# acme's release gate.
package acme.release

import std.deps with { cooldown: 3d }

facts {
  # Who built the release, and where.
  builder: { id: string, hosted: bool }
}

# Only hosted runners of the trusted builder.
deny hosted "built on {builder.id}, not a hosted runner":
  builder.hosted and builder.id.starts_with("https://builder.example/")

deny named for d in dependencies "{d.name} has no integrity hash":
  d.integrity != ""
GATE
cat >"$work/init.lua" <<LUA
vim.opt.termguicolors = true
vim.opt.number = true
vim.opt.signcolumn = "yes"
vim.cmd("highlight NormalFloat guibg=#373b41 guifg=#e0e0e0")
vim.cmd("highlight SignColumn guibg=NONE")
vim.cmd("highlight LineNr guifg=#707880")
package.path = "$root/editors/neovim/?.lua;" .. package.path
require("relgate").setup({ cmd = { "$relgate", "lsp", "--cache-dir", "$work/cache" } })
vim.api.nvim_create_autocmd("DiagnosticChanged", {
  callback = function()
    if #vim.diagnostic.get(0) > 0 and not vim.g.hovered then
      vim.g.hovered = true
      vim.defer_fn(function()
        vim.api.nvim_win_set_cursor(0, { 13, 12 })
        vim.lsp.buf.hover()
      end, 300)
    end
  end,
})
LUA
tmux new-session -d -s relgate-shot -x 100 -y 24 \
  "env HOME=$work XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_STATE_HOME=$work/state nvim -u $work/init.lua -i NONE -n $work/policy/release.gate"
for _ in $(seq 100); do
  sleep 0.2
  tmux capture-pane -t relgate-shot -p | grep -q "(fact)" && break
done
sleep 0.5
tmux capture-pane -t relgate-shot -e -p >"$work/neovim.ansi"
python3 scripts/ansi_to_html.py <"$work/neovim.ansi" >"$work/neovim.html"
shoot() {
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/chromium" --hide-scrollbars --window-size="$2" \
    --screenshot="$3" "file://$1" >/dev/null 2>&1
}
shoot "$work/neovim.html" 880,470 docs/images/neovim.png

# The tree-sitter grammar, highlighted by tree-sitter-cli with its default theme.
cli=$(scripts/tree-sitter-cli.sh "$build/tools/tree-sitter")
printf '{"parser-directories": ["%s/editors"]}\n' "$root" >"$work/ts-config.json"
XDG_CACHE_HOME=$work/ts-cache "$cli" highlight --config-path "$work/ts-config.json" --html \
  "$work/policy/release.gate" >"$work/tree-sitter.html"
grep -q '<span' "$work/tree-sitter.html" || { echo "tree-sitter highlighted nothing"; exit 1; }
shoot "$work/tree-sitter.html" 880,470 docs/images/tree-sitter.png
echo "docs/images/neovim.png docs/images/tree-sitter.png"
