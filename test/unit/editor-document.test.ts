// lsp/text-document.ts EditorDocument: the editor's documents as the server keeps them answer as
// vscode-languageserver-textdocument's do (text, offsets, positions, lines), through random incremental changes that
// split and make CR LF pairs, whole-text changes, reversed ranges and ranges past the last line.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EditorDocument } from '../../server/src/lsp/text-document';

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function same(ours: EditorDocument, theirs: TextDocument, what: string): void {
  assert.equal(ours.getText(), theirs.getText(), what);
  assert.equal(ours.version, theirs.version, what);
  assert.equal(ours.lineCount, theirs.lineCount, `${what}: lineCount`);
  const n = theirs.getText().length;
  for (let o = -1; o <= n + 1; o++) assert.deepEqual(ours.positionAt(o), theirs.positionAt(o), `${what}: positionAt(${o})`);
  for (let line = -1; line <= theirs.lineCount; line++) {
    for (let character = -1; character <= 12; character++) {
      const pos = { line, character };
      assert.equal(ours.offsetAt(pos), theirs.offsetAt(pos), `${what}: offsetAt(${line}:${character})`);
    }
    assert.deepEqual(ours.getLineRange(line), theirs.getLineRange(line), `${what}: getLineRange(${line})`);
    assert.equal(ours.getEOLCharacters(line), theirs.getEOLCharacters(line), `${what}: getEOLCharacters(${line})`);
  }
  const r = { start: theirs.positionAt(Math.floor(n / 3)), end: theirs.positionAt(Math.floor((2 * n) / 3)) };
  assert.equal(ours.getText(r), theirs.getText(r), `${what}: getText(range)`);
}

test('EditorDocument: text, offsets, positions and lines as the library\'s documents, through random changes', () => {
  const rnd = rng(3);
  const pick = (n: number): string => Array.from({ length: n }, () => ['a', 'b', ' ', '\n', '\r', '\r\n', 'é', '😀'][Math.floor(rnd() * 8)]).join('');
  for (let round = 0; round < 40; round++) {
    const initial = pick(Math.floor(rnd() * 40));
    const ours = new EditorDocument('file:///a.dts', 'devicetree', 1, initial);
    let theirs = TextDocument.create('file:///a.dts', 'devicetree', 1, initial);
    same(ours, theirs, `round ${round} created`);
    for (let step = 0; step < 25; step++) {
      const version = step + 2;
      let changes: ({ range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string } | { text: string })[];
      const kind = rnd();
      if (kind < 0.05) changes = [{ text: pick(Math.floor(rnd() * 30)) }];
      else {
        changes = [];
        for (let k = 0, m = kind < 0.2 ? 2 : 1; k < m; k++) {
          const lines = Math.max(1, theirs.lineCount);
          const a = { line: Math.floor(rnd() * (lines + 1)) - (rnd() < 0.03 ? 1 : 0), character: Math.floor(rnd() * 6) };
          const b = { line: a.line + Math.floor(rnd() * 2), character: Math.floor(rnd() * 6) };
          // (now and then a reversed range, which both put right)
          const range = rnd() < 0.1 ? { start: b, end: a } : { start: a, end: b };
          changes.push({ range, text: pick(Math.floor(rnd() * 4)) });
        }
      }
      // the line starts are made on first use: sometimes before the change, sometimes not
      if (rnd() < 0.7) void ours.lineCount;
      ours.update(changes, version);
      // the library's documents, made afresh for each change: its line starts are then its own text's (an
      // incremental update of the library's with a range past the last line keeps line starts that do not)
      let text = theirs.getText();
      for (const c of changes) text = TextDocument.update(TextDocument.create(theirs.uri, 'devicetree', 0, text), [c], 0).getText();
      theirs = TextDocument.create(theirs.uri, 'devicetree', version, text);
      same(ours, theirs, `round ${round} step ${step} ${JSON.stringify(changes)}`);
    }
  }
});
