// Tokenizes sample policies with the TextMate grammar (syntaxes/gate.tmLanguage.json) as
// VS Code does, with vscode-textmate and vscode-oniguruma, and compares every token's
// scopes with the reviewed goldens in test/golden/. UPDATE=1 rewrites the goldens (review
// the diff before committing it).
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = __dirname;
const samples = [
  ['constructs', path.join(here, 'samples', 'constructs.gate')],
  ['deps', path.join(here, '..', '..', '..', 'stdlib', 'deps.gate')],
  ['release', path.join(here, '..', '..', '..', 'policies', 'release.gate')],
];

async function main() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.gate') return null;
      const file = path.join(here, '..', 'syntaxes', 'gate.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  const grammar = await registry.loadGrammar('source.gate');
  let failed = 0;
  for (const [name, file] of samples) {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let state = vsctm.INITIAL;
    const out = [];
    lines.forEach((line, i) => {
      const result = grammar.tokenizeLine(line, state);
      state = result.ruleStack;
      if (line.trim() === '') return;
      out.push(`${i + 1}: ${line}`);
      for (const token of result.tokens) {
        const text = line.substring(token.startIndex, token.endIndex);
        if (text.trim() === '') continue;
        const scopes = token.scopes.filter((s) => s !== 'source.gate').join(' ');
        out.push(`  ${JSON.stringify(text)} ${scopes || '-'}`);
      }
    });
    const actual = out.join('\n') + '\n';
    const golden = path.join(here, 'golden', `${name}.scopes`);
    if (process.env.UPDATE === '1') {
      fs.writeFileSync(golden, actual);
      console.log(`wrote ${golden}`);
      continue;
    }
    const expected = fs.existsSync(golden) ? fs.readFileSync(golden, 'utf8') : '';
    if (actual !== expected) {
      failed++;
      const a = actual.split('\n');
      const e = expected.split('\n');
      const at = a.findIndex((line, k) => line !== e[k]);
      console.error(`${name}: scopes differ from test/golden/${name}.scopes at line ${at + 1}:`);
      console.error(`  expected: ${e[at]}\n  actual:   ${a[at]}`);
    } else {
      console.log(`${name}: ${out.length} lines and tokens as reviewed`);
    }
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
