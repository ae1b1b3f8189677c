// The VS Code side of relgate's language server: starts `relgate lsp` (the binary named
// by the `relgate.path` setting) for .gate policies and policy test files, and lets
// vscode-languageclient carry diagnostics, hover, navigation, completion, rename,
// formatting and quick fixes. Everything the language knows lives in relgate.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration('relgate');
  const args = ['lsp'];
  const stdlib = config.get('stdlib');
  if (stdlib) {
    args.push('--stdlib', stdlib);
  }
  const server = { command: config.get('path') || 'relgate', args, transport: TransportKind.stdio };
  client = new LanguageClient(
    'relgate',
    'relgate',
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: 'file', language: 'gate' },
        { scheme: 'file', pattern: '**/*.test.yaml' },
      ],
    },
  );
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
