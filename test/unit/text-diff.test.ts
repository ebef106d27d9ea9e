// base/text.ts diffBounds: the diff of two versions of a text, started from the edits noted between them, is the
// full comparison's; the language server's documents note each keystroke's change.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { commonPrefix, commonSuffix, diffBounds, forgetEdits, noteEdit, notedEditCount } from '../../server/src/base/text';
import { documentsNotingEdits } from '../../server/src/lsp/documents';

function full(a: string, b: string): { p: number; s: number } {
  const p = commonPrefix(a, b);
  return { p, s: commonSuffix(a, b, Math.min(a.length, b.length) - p) };
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('diffBounds: after noted edits (one, or a chain of up to four), the same prefix and suffix as the full comparison', () => {
  const rnd = rng(7);
  // a small alphabet makes edits whose text repeats what is next to them (the diff is then longer than the edit)
  const pick = (n: number): string => Array.from({ length: n }, () => 'ab\n x'[Math.floor(rnd() * 5)]).join('');
  let noted = 0;
  for (let round = 0; round < 400; round++) {
    forgetEdits();
    const base = pick(5 + Math.floor(rnd() * 300));
    let t = base;
    const steps = 1 + Math.floor(rnd() * 4);
    for (let k = 0; k < steps; k++) {
      const at = Math.floor(rnd() * (t.length + 1));
      const removed = Math.floor(rnd() * Math.min(4, t.length - at + 1));
      const next = t.slice(0, at) + pick(Math.floor(rnd() * 3)) + t.slice(at + removed);
      noteEdit(t, next, at, removed);
      t = next;
    }
    const before = notedEditCount();
    assert.deepEqual(diffBounds(base, t), full(base, t), `round ${round}`);
    if (notedEditCount() < before) noted++;
    // unrelated notes give nothing wrong
    assert.deepEqual(diffBounds(t, base), full(t, base));
  }
  // most rounds took their notes (a round whose edits gave the text back has no chain to take)
  assert.ok(noted > 300, `${noted} rounds used their notes`);
});

test('diffBounds: a note is a fact about the texts: it is used only for the texts it names, and taken once used', () => {
  forgetEdits();
  const a = 'x'.repeat(5000) + 'a' + 'y'.repeat(5000);
  const b = 'x'.repeat(5000) + 'b' + 'y'.repeat(5000);
  const c = 'x'.repeat(5000) + 'bc' + 'y'.repeat(5000);
  noteEdit(a, b, 5000, 1);
  noteEdit(b, c, 5001, 0);
  assert.equal(notedEditCount(), 2);
  // another pair of texts: the full comparison, the notes kept
  assert.deepEqual(diffBounds(a, a + 'z'), full(a, a + 'z'));
  assert.equal(notedEditCount(), 2);
  assert.deepEqual(diffBounds(a, c), { p: 5000, s: 5000 });
  assert.equal(notedEditCount(), 0);
  // the note is trusted, not checked (that is what saves the comparison): a wrong one gives a wrong diff
  noteEdit(a, b, 10, 1);
  assert.notDeepEqual(diffBounds(a, b), full(a, b));
  noteEdit(a, b, 6000, 0);
  assert.notDeepEqual(diffBounds(a, b), full(a, b));
  // at most four are kept
  forgetEdits();
  for (let k = 0; k < 10; k++) noteEdit(a + k, b + k, 0, 1);
  assert.equal(notedEditCount(), 4);
});

test("diffBounds: the language server's documents note a change of one range, and not a whole-text change", () => {
  forgetEdits();
  const text = 'line one\nline two\nline three\n'.repeat(100);
  const doc = documentsNotingEdits.create('file:///a.dtsi', 'devicetree', 1, text);
  const before = doc.getText();
  const after = documentsNotingEdits.update(doc, [{ range: { start: { line: 1, character: 5 }, end: { line: 1, character: 8 } }, text: 'TWO!' }], 2);
  assert.equal(notedEditCount(), 1);
  assert.deepEqual(diffBounds(before, after.getText()), full(before, after.getText()));
  assert.equal(notedEditCount(), 0);
  const again = documentsNotingEdits.update(after, [{ text: 'whole' }], 3);
  assert.equal(again.getText(), 'whole');
  assert.equal(notedEditCount(), 0);
  // a reversed range is put right by the document: not noted
  documentsNotingEdits.update(again, [{ range: { start: { line: 0, character: 4 }, end: { line: 0, character: 1 } }, text: '' }], 4);
  assert.equal(notedEditCount(), 0);
  void TextDocument;
});
