// MappedLineIndex: positions of the current text of a document, offsets of the older text an analysis read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from '../../server/src/base/text';
import { MappedLineIndex } from '../../server/src/lsp/position-map';

test('an insertion: offsets before it stay, offsets after it move, positions are those of the current text', () => {
  const old = 'a = <1>;\nb = <&x>;\nc;\n';
  const now = 'a = <1>;\n/* new */\nnew = <2>;\nb = <&x>;\nc;\n';
  const m = new MappedLineIndex(old, now);
  const cur = new LineIndex(now);
  // `&x` of the old text is on line 3 of the current one
  const x = old.indexOf('&x');
  assert.deepEqual(m.positionAt(x), cur.positionAt(now.indexOf('&x')));
  assert.deepEqual(m.positionAt(x), { line: 3, character: 5 });
  // and back: a position of the current text is the old offset
  assert.equal(m.offsetAt({ line: 3, character: 5 }), x);
  assert.equal(m.offsetAt({ line: 0, character: 2 }), 2);
  // inside the inserted text: the edge of the change
  assert.equal(m.offsetAt({ line: 1, character: 3 }), old.indexOf('b = '));
  assert.equal(m.changedAt(x), false);
  assert.equal(m.text, now);
});

test('a replacement and a deletion: text inside the changed region is reported as changed', () => {
  const old = 'foo: node { p = <0x1000>; };\nbar: other { q = <&foo>; };\n';
  const now = 'foo: node { p = <0x1100>; };\nbar: other { q = <&foo>; };\n';
  const m = new MappedLineIndex(old, now);
  const digit = old.indexOf('0x1000') + 3;
  assert.equal(m.changedAt(digit), true);
  assert.equal(m.changedAt(digit - 1), false);
  assert.equal(m.changedAt(digit + 1), false);
  assert.deepEqual(m.positionAt(old.indexOf('&foo')), { line: 1, character: old.indexOf('&foo') - old.indexOf('bar') });
  const del = new MappedLineIndex(old, old.replace('{ p = <0x1000>; }', '{ }'));
  const q = old.indexOf('q =');
  assert.equal(del.toCurrent(q), q - ' p = <0x1000>;'.length);
  assert.equal(del.toAnalysis(del.toCurrent(q)), q);
  // an offset in the deleted text maps to where it was
  assert.equal(del.toCurrent(old.indexOf('0x1000')), old.indexOf('{ p') + 2);
});

test('identical texts map every offset to itself; empty texts work', () => {
  const t = 'x;\ny;\n';
  const m = new MappedLineIndex(t, t);
  for (let i = 0; i <= t.length; i++) { assert.equal(m.toCurrent(i), i); assert.equal(m.toAnalysis(i), i); }
  const e = new MappedLineIndex('', 'abc');
  assert.equal(e.toAnalysis(2), 0);
  assert.deepEqual(new MappedLineIndex('abc', '').positionAt(2), { line: 0, character: 0 });
});
