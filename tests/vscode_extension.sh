#!/bin/sh
# The VS Code extension (editors/vscode): its TextMate grammar tokenizes the sample
# policies as the reviewed goldens say (vscode-textmate and vscode-oniguruma, VS Code's own
# tokenizer), and it packages as a .vsix with @vscode/vsce holding the manifest, the
# client, the grammar and vscode-languageclient. npm ci installs exactly the committed
# package-lock.json (from the npm registry) into editors/vscode/node_modules.
# Usage: vscode_extension.sh SOURCE_DIR BUILD_DIR
set -eu
source=$1
build=$2
command -v npm >/dev/null || { echo "npm is missing (Node.js 20 with npm)"; exit 1; }
cd "$source/editors/vscode"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit --loglevel=error
fi
node test/grammar.test.js
vsix="$build/relgate-gate.vsix"
rm -f "$vsix"
npx --no-install vsce package --allow-missing-repository --skip-license --out "$vsix" \
  >"$build/vsce.log" 2>&1 || { cat "$build/vsce.log"; exit 1; }
listing=$(unzip -l "$vsix")
for entry in extension/package.json extension/extension.js extension/syntaxes/gate.tmLanguage.json \
  extension/language-configuration.json extension/node_modules/vscode-languageclient/node.js; do
  echo "$listing" | grep -q " $entry\$" || { echo "the .vsix lacks $entry"; exit 1; }
done
if echo "$listing" | grep -q "extension/test/"; then
  echo "the .vsix carries the tests"
  exit 1
fi
echo "vscode: grammar scopes as reviewed; $(basename "$vsix") packaged ($(wc -c <"$vsix") bytes)"
