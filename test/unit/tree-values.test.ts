// Typed values: cells with their size, expressions (64-bit unsigned, dtc semantics), strings, bytes, /incbin/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evalExpr, decodeDtsString, fitsBits } from '../../server/src/tree/eval';
import { getProperty, type LiveTree, type ValueChunk } from '../../server/src/tree/types';
import { MemoryFileSystem } from '../../server/src/base/fs';
import { preprocess } from '../../server/src/preprocess';
import { buildFixture, rangeOf } from '../util/tree-helpers';

function chunks(tree: LiveTree, prop: string): ValueChunk[] {
  const p = getProperty(tree.root, prop);
  assert.ok(p, `no property ${prop}`);
  return p.chunks;
}
function values(tree: LiveTree, prop: string): bigint[] {
  return chunks(tree, prop).flatMap((c) => (c.kind === 'cells' ? c.cells.map((x) => x.value) : []));
}

test('/bits/ sizes are kept with their values', () => {
  const { tree } = buildFixture('bits.dts');
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(chunks(tree, 'b8').map((c) => c.kind === 'cells' && c.bits), [8]);
  assert.deepEqual(values(tree, 'b8'), [0x12n, 0xffn, 0xffn]);
  assert.deepEqual(values(tree, 'b16'), [0x1234n, 0xffffn]);
  assert.deepEqual(values(tree, 'b32'), [0x12345678n, 1n]);
  assert.deepEqual(values(tree, 'b64'), [0x123456789abcdef0n, 0xffffffffffffffffn]);
  assert.deepEqual(chunks(tree, 'mixed').map((c) => c.kind === 'cells' && c.bits), [8, 32, 64]);
});

test('values that do not fit the element size are truncated with a warning, as dtc 1.7/1.8 does', () => {
  const { tree, text } = buildFixture('err-bits.dts');
  // the reference in a 16-bit array is the parser's error (dtc's parser rejects it), not the merge's
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.severity, d.start, d.end]), [
    ['value-truncated', 'warning', rangeOf(text, '256').start, rangeOf(text, '256').end],
    ['value-truncated', 'warning', rangeOf(text, '0x10000>').start, rangeOf(text, '0x10000>').end - 1],
    ['value-truncated', 'warning', rangeOf(text, '0x100000000').start, rangeOf(text, '0x100000000').end],
  ]);
  assert.match(tree.diagnostics[0].message, /Value 0x100 does not fit a 8-bit array element: truncated to 0x0/);
});

test('integer expressions evaluate with 64-bit unsigned C semantics', () => {
  const { tree } = buildFixture('expressions.dts');
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(values(tree, 'arith'), [3n, 7n, 42n, 14n, 2n, 0xffffffffn, 0xffffffffn, 1n, 0n]);
  assert.deepEqual(values(tree, 'shifts'), [16n, 16n, 0n, 0n]);
  assert.deepEqual(values(tree, 'compare'), [1n, 0n, 1n, 0n, 1n, 0n, 1n]);
  assert.deepEqual(values(tree, 'bitwise'), [0x30n, 0xffn, 0xf0n]);
  assert.deepEqual(values(tree, 'logic'), [0n, 1n, 0n, 1n]);
  assert.deepEqual(values(tree, 'ternary'), [10n, 20n]);
  assert.deepEqual(values(tree, 'wrap'), [0xffffffffffffffffn, 1n, 0n]);
  assert.deepEqual(values(tree, 'precedence'), [7n, 8n, 3n]);
  assert.deepEqual(values(tree, 'chars'), [97n, 10n, 65n, 65n]);
  assert.deepEqual(values(tree, 'unsigned-div'), [0x7ffffffffffffffcn]);
});

test('nested ?: associates to the right in cells and in #if', () => {
  const { tree } = buildFixture('ternary-nested.dts');
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(values(tree, 'alt'), [30n, 20n, 10n]);
  assert.deepEqual(values(tree, 'cons'), [20n, 10n, 30n]);
  assert.deepEqual(values(tree, 'mixed'), [5n, 7n, 4n]);
  const fs = new MemoryFileSystem({ '/t.dts': '#if 0 ? 1 : 0 ? 1 : 2\nyes1;\n#endif\n#if 1 ? 0 ? 1 : 0 : 1\nno1;\n#endif\n#if (0 ? 1 : 1 ? 0 : 1) == 0\nyes2;\n#endif\n' });
  const r = preprocess('/t.dts', { fs, includePaths: [] });
  assert.deepEqual(r.diagnostics, []);
  assert.deepEqual(r.text.split('\n').map((l) => l.trim()).filter((l) => l), ['yes1;', 'yes2;']);
});

test('division and modulo by zero are value-errors at the expression (both ?: branches are evaluated)', () => {
  const { tree, text } = buildFixture('err-expressions.dts');
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.start, d.end, d.message]), [
    ['value-error', rangeOf(text, '10 / 0').start, rangeOf(text, '10 / 0').end, 'Division by zero'],
    ['value-error', rangeOf(text, '7 % (3 - 3)').start, rangeOf(text, '7 % (3 - 3)').end, 'Division by zero'],
    ['value-error', rangeOf(text, '1 / 0').start, rangeOf(text, '1 / 0').end, 'Division by zero'],
  ]);
  assert.deepEqual(values(tree, 'divzero'), [0n]);
  assert.deepEqual(values(tree, 'both-sides'), [2n]);
});

test('evalExpr handles a 100000-deep expression without recursion', () => {
  let e: import('../../server/src/syntax/ast').Expr = { kind: 'number', value: 1n, text: '1', start: 0, end: 1 };
  for (let i = 0; i < 100000; i++) {
    e = { kind: 'binary', op: '+', left: e, right: { kind: 'number', value: 1n, text: '1', start: 0, end: 1 }, start: 0, end: 1 };
  }
  assert.equal(evalExpr(e, () => assert.fail('no problem expected')), 100001n);
  assert.equal(fitsBits(0xffffffffffffff80n, 8), true);
  assert.equal(fitsBits(0x180n, 8), false);
});

test('strings: escapes decoded to dtc bytes, string lists, empty properties, byte strings', () => {
  const { tree } = buildFixture('strings.dts');
  assert.deepEqual(tree.diagnostics, []);
  const bytes = (c: ValueChunk): number[] => (c.kind === 'string' || c.kind === 'bytes' ? Array.from(c.bytes ?? []) : []);
  assert.deepEqual(chunks(tree, 'list').map((c) => c.kind === 'string' && c.value), ['a', 'bc', '']);
  const esc = chunks(tree, 'escapes');
  assert.deepEqual(bytes(esc[0]), [...Buffer.from('tab\there'), 0]);
  assert.deepEqual(bytes(esc[2]), [...Buffer.from('quote"back\\'), 0]);
  assert.deepEqual(bytes(esc[3]), [...Buffer.from('hexA~'), 0]);
  assert.deepEqual(bytes(esc[4]), [...Buffer.from('octA'), 0, ...Buffer.from('end'), 0]);
  assert.deepEqual(bytes(chunks(tree, 'utf8')[0]), [0x63, 0x61, 0x66, 0xc3, 0xa9, 0x20, 0xc3, 0xa9, 0]);
  assert.deepEqual(chunks(tree, 'empty'), []);
  assert.deepEqual(bytes(chunks(tree, 'bytes')[0]), [0x00, 0x11, 0x22, 0xff]);
  assert.deepEqual(bytes(chunks(tree, 'bytes-nospace')[0]), [0x00, 0x11, 0xaa, 0xbb]);
  assert.deepEqual(decodeDtsString('\\x4g\\777\\q').bytes, [0x04, 0x67, 0xff, 0x71]);
});

test('/incbin/ reads relative to the including file, with offset and length', () => {
  const { tree } = buildFixture('incbin.dts');
  assert.deepEqual(tree.diagnostics, []);
  const inc = (p: string, i = 0): string => {
    const c = chunks(tree, p)[i];
    assert.ok(c.kind === 'incbin');
    return Buffer.from(c.bytes).toString('latin1');
  };
  assert.equal(inc('whole'), 'ABCDEFGHIJ');
  assert.equal(inc('part'), 'CDE');
  assert.equal(inc('tail'), 'IJ');
  assert.equal(inc('combined', 1), 'A');
});

test('/incbin/ problems are incbin-errors at the file name, offset or length', () => {
  const { tree, text } = buildFixture('err-incbin.dts');
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.start, d.end]), [
    ['incbin-error', rangeOf(text, 'does-not-exist.bin').start, rangeOf(text, 'does-not-exist.bin').end],
    ['incbin-error', rangeOf(text, '20').start, rangeOf(text, '20').end],
    ['incbin-error', rangeOf(text, '10)').start, rangeOf(text, '10)').start + 2],
  ]);
  assert.match(tree.diagnostics[0].message, /Couldn't open "does-not-exist.bin"/);
});

test('a correct `name` property is removed, as dtc does', () => {
  const { tree } = buildFixture('name-property.dts');
  assert.deepEqual(tree.root.children.map((c) => c.properties.map((p) => p.name)), [['reg'], ['keep']]);
});

test('a "name" property that differs from the node name is an error (dtc name_properties) and is kept', () => {
  const { tree, text } = buildFixture('err-name-property.dts');
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.severity, d.start, d.end]), [
    ['name-property', 'error', rangeOf(text, 'name =').start, rangeOf(text, 'name =').start + 4],
  ]);
  assert.match(tree.diagnostics[0].message, /"badthing" instead of base node name "node"/);
  assert.deepEqual(tree.root.children[0].properties.map((p) => p.name), ['name']);
});
