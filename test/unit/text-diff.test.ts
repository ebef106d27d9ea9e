// base/text.ts diffBounds: the diff of two versions of a text, started from the edits noted between them, is the
// full comparison's; the language server's documents note each keystroke's change.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { commonPrefix, commonSuffix, diffBounds, EditedText, forgetEdits, LineIndex, mayHoldCR, noteEdit, notedChange, notedEditCount, sameString } from '../../server/src/base/text';
import { documentsNotingEdits } from '../../server/src/lsp/documents';

function full(a: string, b: string): { p: number; s: number } {
  const p = commonPrefix(a, b);
  return { p, s: commonSuffix(a, b, Math.min(a.length, b.length) - p) };
}

function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** `steps` random edits of `base`, each noted (with what it put in when `inserted`): the last text. */
function notedEdits(base: string, steps: number, rnd: () => number, pick: (n: number) => string, inserted: boolean): string {
  let t = base;
  for (let k = 0; k < steps; k++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const removed = Math.floor(rnd() * Math.min(4, t.length - at + 1));
    const ins = pick(Math.floor(rnd() * 3));
    const next = t.slice(0, at) + ins + t.slice(at + removed);
    noteEdit(t, next, at, removed, inserted ? ins : undefined);
    t = next;
  }
  return t;
}

test('diffBounds: after noted edits (one, or a chain of up to four), the same prefix and suffix as the full comparison', () => {
  const rnd = rng(7);
  // a small alphabet makes edits whose text repeats what is next to them (the diff is then longer than the edit)
  const pick = (n: number): string => Array.from({ length: n }, () => 'ab\n x'[Math.floor(rnd() * 5)]).join('');
  let noted = 0;
  for (let round = 0; round < 400; round++) {
    forgetEdits();
    const base = pick(5 + Math.floor(rnd() * 300));
    const t = notedEdits(base, 1 + Math.floor(rnd() * 4), rnd, pick, false);
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
  const { p, s, view } = diffBounds(before, after.getText());
  assert.deepEqual({ p, s }, full(before, after.getText()));
  // (the document said what it put in: the diff read the new text through its view)
  assert.ok(view instanceof EditedText);
  assert.equal(view.slice(0, view.length), after.getText());
  assert.equal(notedEditCount(), 0);
  const again = documentsNotingEdits.update(after, [{ text: 'whole' }], 3);
  assert.equal(again.getText(), 'whole');
  assert.equal(notedEditCount(), 0);
  // a reversed range is put right by the document: not noted
  documentsNotingEdits.update(again, [{ range: { start: { line: 0, character: 4 }, end: { line: 0, character: 1 } }, text: '' }], 4);
  assert.equal(notedEditCount(), 0);
  void TextDocument;
});

test('EditedText: the characters and slices of the string one edit made, read from the old text and what was put in', () => {
  const rnd = rng(11);
  const pick = (n: number): string => Array.from({ length: n }, () => 'ab\n x\r'[Math.floor(rnd() * 6)]).join('');
  for (let round = 0; round < 300; round++) {
    const base = pick(Math.floor(rnd() * 200));
    const at = Math.floor(rnd() * (base.length + 1));
    const removed = Math.floor(rnd() * Math.min(6, base.length - at + 1));
    const inserted = pick(Math.floor(rnd() * 5));
    const text = base.slice(0, at) + inserted + base.slice(at + removed);
    const v = new EditedText(base, text, at, removed, inserted);
    assert.equal(v.length, text.length);
    for (let i = -2; i <= text.length + 1; i++) assert.ok(Object.is(v.charCodeAt(i), text.charCodeAt(i)), `round ${round} at ${i}`);
    // sameAs: === on the text, for the text, the old one, and the text with one character changed
    const other = text.length ? text.slice(0, text.length >> 1) + '#' + text.slice((text.length >> 1) + 1) : 'x';
    for (const c of [text.split('').join(''), base, other]) assert.equal(v.sameAs(c), c === text, `round ${round} sameAs`);
    for (let k = 0; k < 20; k++) {
      const a = Math.floor(rnd() * (text.length + 1));
      const b = a + Math.floor(rnd() * (text.length - a + 1));
      assert.equal(v.slice(a, b), text.slice(a, b), `round ${round} slice ${a}-${b}`);
    }
  }
});

test('diffBounds with a note that says what was put in: the same bounds, and the view of the new text, only for one note from the old text', () => {
  const rnd = rng(5);
  const pick = (n: number): string => Array.from({ length: n }, () => 'ab\n x'[Math.floor(rnd() * 5)]).join('');
  let views = 0;
  for (let round = 0; round < 400; round++) {
    forgetEdits();
    const base = pick(5 + Math.floor(rnd() * 300));
    const t = notedEdits(base, 1 + Math.floor(rnd() * 2), rnd, pick, true);
    const notes = notedEditCount();
    const r = diffBounds(base, t);
    assert.deepEqual({ p: r.p, s: r.s }, full(base, t), `round ${round}`);
    if (r.view) {
      views++;
      assert.equal(notes, 1, 'a chain of notes gives no view');
      assert.equal(r.view.slice(0, r.view.length), t);
    }
  }
  assert.ok(views > 100, `${views} views`);
  // what was put in must be what the new text holds there, else the note is taken without it (no view)
  forgetEdits();
  noteEdit('abcdef', 'abXYef', 2, 2, 'XYZ');
  assert.equal(diffBounds('abcdef', 'abXYef').view, undefined);
  // an edit that puts back what was there is no edit: not noted
  forgetEdits();
  const s = 'abcdef';
  noteEdit(s, 'ab' + 'cd' + 'ef', 2, 2, 'cd');
  assert.equal(notedEditCount(), 0);
});

test('notedChange, sameString, mayHoldCR answer from the note of a keystroke, as the comparisons of the texts would', () => {
  forgetEdits();
  const from = 'x'.repeat(300) + 'a' + 'y'.repeat(300);
  const to = 'x'.repeat(300) + 'b' + 'y'.repeat(300);
  noteEdit(from, to, 300, 1, 'b');
  assert.equal(notedChange(from, to), true);
  assert.equal(notedChange(to, from), false);
  assert.equal(notedChange('other', to), false);
  // an equal string made on its own, the old text, another text of the same length
  assert.equal(sameString('x'.repeat(300) + 'b' + 'y'.repeat(300), to), true);
  assert.equal(sameString(from, to), false);
  assert.equal(sameString('x'.repeat(300) + 'b' + 'y'.repeat(299) + 'z', to), false);
  assert.equal(sameString('z' + 'x'.repeat(299) + 'b' + 'y'.repeat(300), to), false);
  assert.equal(sameString(to.slice(1), to), false);
  // without a note: the comparison
  assert.equal(sameString('abc', 'ab' + 'c'), true);
  assert.equal(sameString('abc', 'abd'), false);
  assert.equal(mayHoldCR(to), false);
  noteEdit(to, to.slice(0, 10) + '\r' + to.slice(11), 10, 1, '\r');
  assert.equal(mayHoldCR(to.slice(0, 10) + '\r' + to.slice(11)), true);
  forgetEdits();
  const withCR = 'a\rb' + 'c'.repeat(100);
  const edited = withCR.slice(0, 50) + 'd' + withCR.slice(51);
  noteEdit(withCR, edited, 50, 1, 'd');
  assert.equal(mayHoldCR(edited), true, 'the old text held one');
  assert.equal(mayHoldCR('no carriage return'), false);
  assert.equal(mayHoldCR('one\r'), true);
});

test('LineIndex.afterEdit: the index of the text one edit made, from the last index and the edit, as an index of that text', () => {
  const rnd = rng(9);
  const pick = (n: number, cr: boolean): string => Array.from({ length: n }, () => (cr ? 'ab\n x\r' : 'ab\n x')[Math.floor(rnd() * (cr ? 6 : 5))]).join('');
  let made = 0;
  for (let round = 0; round < 300; round++) {
    const cr = rnd() < 0.2;
    const base = pick(Math.floor(rnd() * 200), cr);
    const at = Math.floor(rnd() * (base.length + 1));
    const removed = Math.floor(rnd() * Math.min(8, base.length - at + 1));
    const inserted = pick(Math.floor(rnd() * 6), cr && rnd() < 0.5);
    const text = base.slice(0, at) + inserted + base.slice(at + removed);
    const last = new LineIndex(base);
    const next = last.afterEdit(new EditedText(base, text, at, removed, inserted));
    if (base.includes('\r') || inserted.includes('\r')) {
      assert.equal(next, undefined, 'a carriage return: indexed afresh');
      continue;
    }
    assert.ok(next);
    made++;
    const fresh = new LineIndex(text);
    assert.equal(next.text, text);
    assert.equal(next.lineCount, fresh.lineCount, `round ${round}`);
    for (let o = -1; o <= text.length + 1; o++) assert.deepEqual(next.positionAt(o), fresh.positionAt(o), `round ${round} at ${o}`);
    for (let line = -1; line <= fresh.lineCount; line++) {
      for (const character of [0, 1, 3, 1000]) assert.equal(next.offsetAt({ line, character }), fresh.offsetAt({ line, character }), `round ${round} line ${line}`);
    }
  }
  assert.ok(made > 150, `${made} made from the last index`);
  // an index of another text: none
  assert.equal(new LineIndex('a\nb').afterEdit(new EditedText('a\nc', 'a\nd', 2, 1, 'd')), undefined);
});
