// Grammar constructs: exact AST shapes and spans (test/fixtures/syntax/constructs.dts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CellItem, Expr, NodeDef, PropertyDef, RootNodeStatement, TopStatement, ValueComponent } from '../../server/src/syntax/ast';
import { parseDts } from '../../server/src/syntax/parse';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/syntax');
const text = fs.readFileSync(path.join(fixtures, 'constructs.dts'), 'utf8');
const file = parseDts(text);

/** offset of the n-th occurrence of needle (after `from` when given) */
function at(needle: string, from = 0): number {
  const i = text.indexOf(needle, from);
  assert.ok(i >= 0, `fixture lacks ${needle}`);
  return i;
}
/** the first len characters at needle */
function sub(needle: string, len: number): { start: number; end: number } {
  const s = at(needle);
  return { start: s, end: s + len };
}
function span(needle: string, from = 0): { start: number; end: number } {
  const s = at(needle, from);
  return { start: s, end: s + needle.length };
}

const root = file.statements.find((s): s is RootNodeStatement => s.kind === 'rootNode')!;
function prop(name: string): PropertyDef {
  const p = root.body.items.find((i) => i.kind === 'property' && i.name === name);
  assert.ok(p, name);
  return p as PropertyDef;
}
function node(name: string): NodeDef {
  const n = root.body.items.find((i) => i.kind === 'node' && i.name === name);
  assert.ok(n, name);
  return n as NodeDef;
}
function comp(p: PropertyDef, i = 0): ValueComponent {
  return p.value![i].component;
}
function cells(p: PropertyDef, i = 0): CellItem[] {
  const c = comp(p, i);
  assert.equal(c.kind, 'cells');
  return c.kind === 'cells' ? c.items : [];
}
function show(e: Expr): string {
  switch (e.kind) {
    case 'number': case 'char': return e.value.toString();
    case 'unary': return `${e.op}${show(e.operand)}`;
    case 'binary': return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case 'conditional': return `(${show(e.test)} ? ${show(e.consequent)} : ${show(e.alternate)})`;
    case 'paren': return `[${show(e.expr)}]`;
  }
}
function exprs(p: PropertyDef): string[] {
  return cells(p).map((c) => (c.kind === 'expr' ? show(c.expr) : c.kind));
}

test('the fixture parses without errors', () => {
  assert.deepEqual(file.errors, []);
  assert.deepEqual(file.statements.map((s) => s.kind), [
    'version', 'plugin', 'version', 'plugin', 'memreserve', 'memreserve', 'rootNode',
    'refNode', 'refNode', 'refNode', 'refNode', 'deleteNodeRef', 'omitIfNoRef',
  ]);
});

test('headers and memreserves', () => {
  const [v, p] = file.statements;
  assert.deepEqual(v, { kind: 'version', start: 0, end: 9 });
  assert.deepEqual(p, { kind: 'plugin', start: 10, end: 19 });
  const m1 = file.statements[4];
  assert.equal(m1.kind, 'memreserve');
  if (m1.kind !== 'memreserve') return;
  assert.deepEqual(m1.labels, [{ kind: 'label', name: 'mr', ...span('mr:') }]);
  assert.equal(m1.start, at('mr:'));
  assert.equal(m1.end, at('0x4000;') + 7);
  assert.deepEqual(m1.address, { kind: 'number', value: 0x10000000n, text: '0x10000000', ...span('0x10000000') });
  const m2 = file.statements[5];
  if (m2.kind !== 'memreserve') return assert.fail();
  assert.equal(show(m2.address), '[(1 << 20)]');
  assert.deepEqual(m2.size, { kind: 'char', value: 97n, text: "'a'", ...span("'a'") });
});

test('root node, property spans and empty properties', () => {
  assert.equal(root.start, at('/ {'));
  assert.equal(root.body.start, at('/ {') + 2);
  assert.equal(root.body.closeBrace, at('};\n\n&intc'));
  assert.equal(root.end, at('};\n\n&intc') + 2);
  const ac = prop('#address-cells');
  assert.deepEqual({ ...ac, value: undefined }, {
    kind: 'property', labels: [], name: '#address-cells', nameSpan: span('#address-cells'),
    start: at('#address-cells'), end: at('<2>;') + 4, value: undefined,
  });
  const b = prop('bool-prop');
  assert.deepEqual(b, { kind: 'property', labels: [], name: 'bool-prop', nameSpan: span('bool-prop'), ...span('bool-prop;') });
  assert.equal('value' in b, false);
});

test('strings with every escape', () => {
  const p = prop('str');
  assert.deepEqual(p.value!.map((v) => comp(p, p.value!.indexOf(v))), [
    { kind: 'string', value: 'tab\there', raw: 'tab\\there', ...span('"tab\\there"') },
    { kind: 'string', value: '\x07\b\x0b\f\r\\"\'', raw: '\\a\\b\\v\\f\\r\\\\\\"\\\'', ...sub('"\\a\\b', 18) },
    { kind: 'string', value: 'AJA\0', raw: '\\x41\\x4a\\101\\0', start: at('"\\x41'), end: at('"\\x41') + 16 },
  ]);
});

test('integer literals: bases and suffixes', () => {
  const p = prop('cells');
  assert.deepEqual(cells(p).map((c) => (c.kind === 'expr' && c.expr.kind === 'number' ? [c.expr.text, c.expr.value] : null)), [
    ['0x10', 16n], ['0', 0n], ['077', 63n], ['123U', 123n], ['5UL', 5n], ['6ULL', 6n], ['7LL', 7n], ['8L', 8n],
  ]);
  assert.deepEqual(cells(p)[0], { kind: 'expr', expr: { kind: 'number', value: 16n, text: '0x10', ...sub('0x10 0', 4) }, start: at('0x10 0'), end: at('0x10 0') + 4 });
});

test('labels everywhere in a value', () => {
  const p = prop('labelled');
  assert.deepEqual(p.labels, [
    { kind: 'label', name: 'l1', ...span('l1:') },
    { kind: 'label', name: 'l2', ...span('l2:') },
  ]);
  assert.equal(p.start, at('l1:'));
  assert.deepEqual(p.nameSpan, span('labelled'));
  const [v0, v1] = p.value!;
  assert.deepEqual(v0.labelsBefore, [{ kind: 'label', name: 'pre', ...span('pre:') }]);
  assert.deepEqual(v0.labelsAfter, [{ kind: 'label', name: 'mid', ...span('mid:') }]);
  assert.deepEqual({ start: v0.start, end: v0.end }, { start: at('pre:'), end: at('mid:') + 4 });
  assert.deepEqual(cells(p).map((c) => (c.kind === 'label' ? `${c.name}:` : c.kind === 'expr' ? show(c.expr) : c.kind)), ['in1:', '1', 'in2:', '2', 'in3:']);
  assert.deepEqual(cells(p)[4], { kind: 'label', name: 'in3', ...span('in3:') });
  assert.deepEqual(v1.labelsBefore, [{ kind: 'label', name: 'after', ...span('after:') }]);
  assert.deepEqual(v1.labelsAfter, [{ kind: 'label', name: 'end', ...span('end:') }]);
  assert.equal(p.end, at('end:;') + 5);
});

test('bytestrings with labels and with or without spaces', () => {
  const c = comp(prop('bytes'));
  assert.equal(c.kind, 'bytes');
  if (c.kind !== 'bytes') return;
  assert.deepEqual({ start: c.start, end: c.end }, span('[00 01 bl: 0a0B ff]'));
  assert.deepEqual(c.items.map((b) => (b.kind === 'byte' ? b.value : b.name)), [0, 1, 'bl', 10, 11, 255]);
  assert.deepEqual(c.items[3], { kind: 'byte', value: 10, ...span('0a') });
  assert.deepEqual(c.items[4], { kind: 'byte', value: 11, ...span('0B') });
});

test('/bits/ and char literals', () => {
  const c = comp(prop('b8'));
  if (c.kind !== 'cells') return assert.fail();
  assert.equal(c.bits, 8);
  assert.deepEqual(c.bitsSpan, span('/bits/ 8'));
  assert.equal(c.start, at('/bits/ 8'));
  assert.deepEqual(exprs(prop('b8')), ['18', '120', '10', '127', '10']);
  const c64 = comp(prop('b64'));
  if (c64.kind !== 'cells') return assert.fail();
  assert.equal(c64.bits, 64);
  assert.deepEqual(exprs(prop('b64')), ['18446744073709551615']);
  const plain = comp(prop('cells'));
  assert.equal(plain.kind === 'cells' && plain.bits, 32);
  assert.equal(plain.kind === 'cells' && 'bitsSpan' in plain, false);
});

test('expressions follow C precedence', () => {
  assert.deepEqual(exprs(prop('expr')), [
    '[(1 + (2 * 3))]', '[(10 - ((4 / 2) % 3))]', '[((1 << 4) >> 2)]', '[(1 < 2)]', '[(2 > 1)]', '[(1 <= 1)]', '[(1 >= 2)]',
  ]);
  assert.deepEqual(exprs(prop('logic')), [
    '[(1 == 1)]', '[(1 != 2)]', '[(6 & 3)]', '[(6 ^ 3)]', '[(6 | 3)]', '[(1 && 0)]', '[(1 || 0)]', '[(1 ? 2 : 3)]', '[-1]', '[~0]', '[!0]',
  ]);
  const e = cells(prop('expr'))[1];
  if (e.kind !== 'expr' || e.expr.kind !== 'paren' || e.expr.expr.kind !== 'binary') return assert.fail();
  assert.deepEqual({ start: e.start, end: e.end }, span('(10 - 4 / 2 % 3)'));
  assert.deepEqual({ start: e.expr.expr.start, end: e.expr.expr.end }, span('10 - 4 / 2 % 3'));
});

test('mixed precedence chains and nesting', () => {
  const f = parseDts('/dts-v1/; / { x = <(1 | 2 ^ 3 & 4 == 5 < 6 << 7 + 8 * 9) (1 || 2 && 3 ? 4 : 5 ? 6 : 7) (- ~ !1)>; };');
  assert.deepEqual(f.errors, []);
  const p = (f.statements[1] as RootNodeStatement).body.items[0] as PropertyDef;
  const items = (p.value![0].component as { items: CellItem[] }).items;
  assert.deepEqual(items.map((c) => (c.kind === 'expr' ? show(c.expr) : '')), [
    '[(1 | (2 ^ (3 & (4 == (5 < (6 << (7 + (8 * 9))))))))]',
    '[((1 || (2 && 3)) ? 4 : (5 ? 6 : 7))]',
    '[-~!1]',
  ]);
});

test('phandle references inside cells and path references outside', () => {
  const r = cells(prop('refs'));
  assert.deepEqual(r[0], { kind: 'ref', ref: { kind: 'labelRef', name: 'intc', ...sub('&intc 1', 5) }, start: at('&intc 1'), end: at('&intc 1') + 5 });
  assert.deepEqual(r[2], { kind: 'ref', ref: { kind: 'pathRef', path: '/soc/i2c@1000', ...span('&{/soc/i2c@1000}') }, ...span('&{/soc/i2c@1000}') });
  assert.deepEqual(r[3].kind === 'ref' && r[3].ref, { kind: 'pathRef', path: 'intc/child', ...span('&{intc/child}') });
  const p = prop('path');
  assert.deepEqual(comp(p, 0), { kind: 'pathValue', ref: { kind: 'labelRef', name: 'intc', start: at('&intc, &{/soc}'), end: at('&intc, &{/soc}') + 5 }, start: at('&intc, &{/soc}'), end: at('&intc, &{/soc}') + 5 });
  assert.deepEqual(comp(p, 1), { kind: 'pathValue', ref: { kind: 'pathRef', path: '/soc', ...sub('&{/soc};', 7) }, start: at('&{/soc};'), end: at('&{/soc};') + 7 });
});

test('/incbin/ with and without range', () => {
  const b1 = comp(prop('bin1'));
  assert.deepEqual(b1, { kind: 'incbin', path: 'blob.bin', pathSpan: { start: at('blob.bin'), end: at('blob.bin') + 8 }, ...span('/incbin/("blob.bin")') });
  const b2 = comp(prop('bin2'));
  if (b2.kind !== 'incbin') return assert.fail();
  assert.deepEqual({ start: b2.start, end: b2.end }, span('/incbin/("blob.bin", 4, (2 * 8))'));
  assert.equal(show(b2.offset!), '4');
  assert.equal(show(b2.length!), '[(2 * 8)]');
});

test('delete-property, escaped and unusual names', () => {
  const d = root.body.items.find((i) => i.kind === 'deleteProperty');
  assert.deepEqual(d, { kind: 'deleteProperty', name: 'old-prop', nameSpan: span('old-prop'), ...span('/delete-property/ old-prop;') });
  const e = prop('escaped-name');
  assert.deepEqual(e.nameSpan, span('\\escaped-name'));
  assert.equal(prop('weird,name+x.y_z#?*').nameSpan.start, at('weird,name'));
});

test('child nodes: labels, /omit-if-no-ref/, /delete-node/', () => {
  const intc = node('interrupt-controller@1000');
  assert.deepEqual(intc.labels, [{ kind: 'label', name: 'intc', ...sub('intc: ', 5) }]);
  assert.equal(intc.omitIfNoRef, false);
  assert.deepEqual(intc.nameSpan, span('interrupt-controller@1000'));
  assert.equal(intc.start, at('intc: '));
  assert.equal(intc.body.start, at('{', at('interrupt-controller@1000')));
  assert.equal(intc.body.items.length, 1);
  const a = node('node-a');
  assert.equal(a.omitIfNoRef, true);
  assert.equal(a.start, at('/omit-if-no-ref/ maybe'));
  assert.deepEqual(a.labels.map((l) => l.name), ['maybe']);
  assert.deepEqual(a.body, { items: [], closeBrace: at('{ };', at('node-a')) + 2, start: at('{ };', at('node-a')), end: at('{ };', at('node-a')) + 3 });
  const b = node('node-b');
  assert.equal(b.omitIfNoRef, true);
  assert.deepEqual(b.labels.map((l) => l.name), ['n1']);
  const del = root.body.items.find((i) => i.kind === 'deleteNode');
  assert.deepEqual(del, { kind: 'deleteNode', name: 'gone', nameSpan: span('gone'), ...span('/delete-node/ gone;') });
});

test('top-level reference statements', () => {
  const s = file.statements;
  const refNode = (i: number) => s[i] as Extract<TopStatement, { kind: 'refNode' }>;
  assert.deepEqual(refNode(7).ref, { kind: 'labelRef', name: 'intc', ...sub('&intc {\n', 5) });
  assert.deepEqual(refNode(7).labels, []);
  assert.deepEqual(refNode(8).labels, [{ kind: 'label', name: 'lab', ...span('lab:') }]);
  assert.equal(refNode(8).start, at('lab:'));
  assert.deepEqual(refNode(9).ref, { kind: 'pathRef', path: '/soc', ...sub('&{/soc} {', 7) });
  assert.deepEqual(refNode(10).ref, { kind: 'pathRef', path: 'intc/child', start: at('&{intc/child} {'), end: at('&{intc/child} {') + 13 });
  assert.deepEqual(s[11], { kind: 'deleteNodeRef', ref: { kind: 'labelRef', name: 'lab', start: at('&lab;'), end: at('&lab;') + 4 }, ...span('/delete-node/ &lab;') });
  assert.deepEqual(s[12], { kind: 'omitIfNoRef', ref: { kind: 'pathRef', path: '/soc', start: at('&{/soc}', at('/omit-if-no-ref/ &')), end: at('&{/soc}', at('/omit-if-no-ref/ &')) + 7 }, ...span('/omit-if-no-ref/ &{/soc};') });
});

test('comments and line markers are whitespace', () => {
  const t = '/dts-v1/; // c\n/* a\n b */ / { /* x */ a = /* y */ <1 /* z */ 2>; // end\n# 12 "file.dts" 1\n b; };';
  const f = parseDts(t);
  assert.deepEqual(f.errors, []);
  const r = f.statements[1] as RootNodeStatement;
  assert.deepEqual(r.body.items.map((i) => (i as PropertyDef).name), ['a', 'b']);
  assert.equal(r.start, t.indexOf('/ {'));
});

test('lexical errors keep the statement and report the literal', () => {
  const t = fs.readFileSync(path.join(fixtures, 'bad-literals.dts'), 'utf8');
  const f = parseDts(t);
  const pos = (s: string) => ({ start: t.indexOf(s), end: t.indexOf(s) + s.length });
  assert.deepEqual(f.errors, [
    { ...pos('09'), message: "Bad integer literal '09'" },
    { ...pos('0b101'), message: "Bad integer literal '0b101'" },
    { ...pos('12LU'), message: "Bad integer literal '12LU'" },
    { ...pos('0x10000000000000000'), message: "Integer literal '0x10000000000000000' out of range" },
    { ...pos("''"), message: 'Empty character literal' },
    { ...pos("'ab'"), message: 'Character literal has 2 characters instead of 1' },
    { ...pos('7 <'), end: pos('7 <').start + 1, message: 'Array elements must be 8, 16, 32 or 64-bits' },
    { ...pos('&r>'), end: pos('&r>').start + 2, message: 'References are only allowed in arrays with 32-bit elements' },
  ]);
  const r = f.statements[1] as RootNodeStatement;
  assert.deepEqual(r.body.items.map((i) => i.kind), ['property', 'property', 'property', 'property', 'property', 'property', 'property', 'property']);
});
