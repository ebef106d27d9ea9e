// Formatting and the ordering code actions over stdio (textDocument/formatting, rangeFormatting,
// codeAction refactor.rewrite), on unsaved buffers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, REPO, uriOf } from './lsp-client';

const IN = path.join(REPO, 'test/fixtures/format/linux-in.dts');

test('document and range formatting of an open buffer; sort actions offered as refactor.rewrite', async () => {
  const c = new LspClient();
  try {
    const init = await c.initialize();
    assert.equal(init.capabilities.documentFormattingProvider, true);
    assert.equal(init.capabilities.documentRangeFormattingProvider, true);
    const text = fs.readFileSync(IN, 'utf8');
    const uri = uriOf(IN);
    await c.open(IN, text);
    const edits = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    const doc = TextDocument.create(uri, 'dts', 1, text);
    assert.equal(TextDocument.applyEdits(doc, edits), fs.readFileSync(path.join(REPO, 'test/fixtures/format/linux-out.dts'), 'utf8'));
    // a range: the line `#size-cells=< 2 >;` only
    const line = text.split('\n').findIndex((l) => l.includes('#size-cells'));
    const ranged = await c.request<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri }, range: { start: { line, character: 0 }, end: { line, character: 5 } }, options: { tabSize: 8, insertSpaces: false },
    });
    assert.ok(ranged.length > 0 && ranged.every((e) => e.range.start.line >= line - 1 && e.range.end.line <= line), JSON.stringify(ranged));
    assert.match(TextDocument.applyEdits(doc, ranged).split('\n')[line], /^\t#size-cells = <2>;$/);
    // a node with children out of unit-address order (an unsaved buffer) gets the sort action
    const unsorted = '/dts-v1/;\n/ {\n\tb@2000 {\n\t};\n\n\ta@1000 {\n\t};\n};\n';
    const u2 = await c.open(path.join(REPO, 'test/fixtures/format/unsaved.dts'), unsorted);
    const acts = await c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: u2 }, range: { start: { line: 2, character: 1 }, end: { line: 2, character: 1 } }, context: { diagnostics: [] },
    });
    const sort = acts.find((a) => a.title === 'Sort child nodes by unit address');
    assert.ok(sort, JSON.stringify(acts.map((a) => a.title)));
    assert.equal(sort.kind, 'refactor.rewrite');
    const only = await c.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: u2 }, range: { start: { line: 2, character: 1 }, end: { line: 2, character: 1 } }, context: { diagnostics: [], only: ['quickfix'] },
    });
    assert.deepEqual(only, []);
  } finally {
    await c.shutdown();
  }
});
