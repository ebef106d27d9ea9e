// Syntax errors and recovery: one diagnostic per error at the offending token,
// parsing resumes at the next item / statement.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeBody, NodeItem, TopStatement } from '../../server/src/syntax/ast';
import { parseDts } from '../../server/src/syntax/parse';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/syntax');
function load(name: string): string {
  return fs.readFileSync(path.join(fixtures, name), 'utf8');
}

/** Compact outline: kind + name, nested; error items show their text. */
function outline(text: string, items: readonly (TopStatement | NodeItem)[]): unknown[] {
  return items.map((it) => {
    if (it.kind === 'error') return `error ${JSON.stringify(text.slice(it.start, it.end))}`;
    const name = 'name' in it && it.name !== undefined ? it.name : 'ref' in it && it.ref ? (it.ref.kind === 'labelRef' ? `&${it.ref.name}` : `&{${it.ref.path}}`) : '';
    const body = (it as { body?: NodeBody }).body;
    return body ? [`${it.kind} ${name}`.trim(), outline(text, body.items)] : `${it.kind} ${name}`.trim();
  });
}

test('a typo in the middle: exactly one error at the token, everything else parsed', () => {
  const t = load('typo-middle.dts');
  const f = parseDts(t);
  const p = t.indexOf('$');
  assert.deepEqual(f.errors, [{ start: p, end: p + 1, message: "expected label, reference, integer or '>', found '$'" }]);
  assert.deepEqual(outline(t, f.statements), [
    'version',
    ['rootNode', ['property model', ['node soc', [
      ['node serial@1000', ['property compatible', 'property reg']],
      ['node i2c@2000', ['property compatible', 'property reg', 'error "clock-frequency = <400000 $>;"', 'property status']],
      ['node spi@3000', ['property compatible']],
    ]]]],
    ['refNode &uart0', ['property status']],
  ]);
  const err = f.statements[1].kind === 'rootNode' ? f.statements[1] : undefined;
  assert.ok(err);
});

test('missing semicolons after a property and after a node', () => {
  const t = load('missing-semicolon.dts');
  const f = parseDts(t);
  const b = t.indexOf('b = <2>');
  const other = t.indexOf('other {');
  assert.deepEqual(f.errors, [
    { start: b, end: b + 1, message: "expected ';' after property, found 'b'" },
    { start: other, end: other + 5, message: "expected ';' after '}', found 'other'" },
  ]);
  assert.deepEqual(outline(t, f.statements), [
    'version',
    ['rootNode', [['node node', ['property a', 'property b']], ['node other', ['property c']]]],
    ['refNode &other', ['property d']],
  ]);
  // the property without ';' ends at its last token
  const root = f.statements[1];
  if (root.kind !== 'rootNode') return assert.fail();
  const node = root.body.items[0];
  if (node.kind !== 'node') return assert.fail();
  assert.equal(node.body.items[0].end, t.indexOf('<1>') + 3);
});

test('an unclosed brace ends the statement before the next top-level line', () => {
  const t = load('unclosed-brace.dts');
  const f = parseDts(t);
  const end = t.indexOf('};\n\n&other') + 2;
  assert.deepEqual(f.errors, [{ start: end, end, message: "expected '}' at the end of the statement: a '{' is not closed" }]);
  assert.deepEqual(outline(t, f.statements), [
    'version',
    ['rootNode', [['node node', ['property a', ['node other', ['property c']]]]]],
    ['refNode &other', ['property d']],
  ]);
  const root = f.statements[1];
  if (root.kind !== 'rootNode') return assert.fail();
  assert.equal(root.body.closeBrace, -1);
});

test('an unterminated string does not swallow the next statements', () => {
  const t = load('unterminated-string.dts');
  const f = parseDts(t);
  const q = t.indexOf('"vendor');
  assert.deepEqual(f.errors, [{ start: q, end: q + 1, message: 'Unterminated string' }]);
  assert.deepEqual(outline(t, f.statements), ['version', ['rootNode', ['property compatible']], ['refNode &other', ['property d']]]);
});

test('stray top-level tokens become error statements', () => {
  const t = load('stray-tokens.dts');
  const f = parseDts(t);
  const brace = t.indexOf('};\n};') + 3;
  const g = t.indexOf('garbage');
  assert.deepEqual(f.errors.map((e) => [e.start, e.end, e.message.split(',')[0]]), [
    [brace, brace + 1, "expected a top-level statement ('/ { ... };'"],
    [g, g + 7, "expected a top-level statement ('/ { ... };'"],
  ]);
  assert.deepEqual(outline(t, f.statements), ['version', ['rootNode', ['property a']], 'error "};"', 'error "garbage here;"', ['refNode &x', ['property b']]]);
  const e = f.statements[3];
  assert.equal(e.kind === 'error' && e.message, f.errors[1].message);
});

test('file structure errors follow dtc (headers, memreserves, labels on root, property order)', () => {
  const t = load('structure-errors.dts');
  const f = parseDts(t);
  const at = (s: string) => t.indexOf(s);
  assert.deepEqual(f.errors, [
    { start: 0, end: 0, message: "missing '/dts-v1/;' at the start of the file" },
    { start: at('root:'), end: at('root:') + 5, message: 'Labels are not allowed on the root node' },
    { start: at('prop;'), end: at('prop;') + 4, message: 'Properties must precede subnodes', code: 'properties-after-subnodes' },
    { start: at('/delete-property/'), end: at('/delete-property/ q') + 19, message: 'Properties must precede subnodes', code: 'properties-after-subnodes' },
    { start: at('/memreserve/ 2'), end: at('/memreserve/ 2 3;') + 17, message: "'/memreserve/' must come before nodes" },
    { start: at('/dts-v1/'), end: at('/dts-v1/') + 9, message: "'/dts-v1/;' must come before '/memreserve/' and nodes" },
  ]);
  // all statements are still in the AST
  assert.deepEqual(f.statements.map((s) => s.kind), ['memreserve', 'rootNode', 'memreserve', 'version', 'refNode']);
  // a fragment (.dtsi parsed alone) is not required to have a header or a root
  assert.deepEqual(parseDts('&a { b; };', undefined, { complete: false }).errors, []);
  assert.deepEqual(parseDts('&a { b; };').errors.map((e) => e.message), ["missing '/dts-v1/;' at the start of the file"]);
  assert.deepEqual(parseDts('/dts-v1/;').errors, [{ start: 9, end: 9, message: "no root node: expected '/ { ... };'" }]);
});

test('header flags must match; /plugin/ follows /dts-v1/', () => {
  assert.deepEqual(parseDts('/dts-v1/; /plugin/; /dts-v1/; /plugin/; / { };').errors, []);
  assert.deepEqual(parseDts('/dts-v1/; /dts-v1/; /plugin/; / { };').errors.map((e) => e.message), ["Header flags don't match earlier ones"]);
  assert.deepEqual(parseDts('/plugin/; /dts-v1/; / { };').errors.map((e) => [e.start, e.message]), [[0, "'/plugin/;' must directly follow '/dts-v1/;'"]]);
});

test('a missing semicolon at the end of the file', () => {
  const t = '/dts-v1/;\n/ { a; }';
  const f = parseDts(t);
  assert.deepEqual(f.errors, [{ start: t.length, end: t.length, message: "expected ';' after '}' at end of input" }]);
  assert.equal(f.statements[1].end, t.length);
});

test('errors inside nested values and node headers', () => {
  const cases: [string, string, string][] = [
    ['/dts-v1/;\n/ { a = <1 2>, ; b; };', ';', 'expected a property value'],
    ['/dts-v1/;\n/ { a = [0 1]; b; };', '0 1', "expected label, byte or ']'"],
    ['/dts-v1/;\n/ { a = <(1 + )>; b; };', ')', 'expected'],
    ['/dts-v1/;\n/ { no de { }; b; };', 'de', "expected '=', '{' or ';' after property"],
    ['/dts-v1/;\n/ { a = <-1>; b; };', '-1', "expected label, reference, integer or '>'"],
    ['/dts-v1/;\n/ { a = & x; b; };', '& x', 'expected a property value'],
  ];
  for (const [t, tok, msg] of cases) {
    const f = parseDts(t);
    assert.equal(f.errors.length, 1, t);
    assert.equal(f.errors[0].start, t.indexOf(tok, 14), t);
    assert.ok(f.errors[0].message.startsWith(msg), `${t}: ${f.errors[0].message}`);
    const root = f.statements[1];
    if (root.kind !== 'rootNode') return assert.fail(t);
    // the next property is still parsed
    const last = root.body.items[root.body.items.length - 1];
    assert.equal(last.kind === 'property' && last.name, 'b', t);
  }
});

test('recovery never hangs on garbage', () => {
  const inputs = ['{{{{', '}}}};;;', '/ { /', '"', "'", '/*', '&{', '/ { a = <', '/ { a = "\\', ': : :', '/dts-v1/; / { x { y { z {', '#'];
  for (const t of inputs) {
    const f = parseDts(t);
    assert.ok(f.errors.length >= 1, t);
    for (const e of f.errors) assert.ok(e.start >= 0 && e.end <= t.length && e.start <= e.end, t);
  }
});

test('a property cut off at a line break does not swallow the next line\'s item, even when its label was taken for a value\'s', () => {
  const head = '/dts-v1/;\n/ {\n\tbus {\n\t\tstatus = "disabled";\n';
  const tail = '\t\tdev0: dev@0 {\n\t\t\treg = <0>;\n\t\t};\n\t\tdev1: dev@1 { };\n\t};\n};\n';
  for (const [typed, found] of [['vendor,prop =', 'dev@0'], ['vendor,prop = <1', 'dev@0'], ['vendor,prop = "a",', 'dev@0']]) {
    const t = `${head}\t\t${typed}\n${tail}`;
    const f = parseDts(t);
    assert.equal(f.errors.length, 1, `${typed}: ${JSON.stringify(f.errors)}`);
    assert.ok(f.errors[0].message.includes(`found '${found}'`), f.errors[0].message);
    // the half-typed property is skipped up to the end of its line; the node after it is parsed as written
    assert.deepEqual(outline(t, f.statements), [
      'version',
      ['rootNode', [['node bus', ['property status', `error ${JSON.stringify(typed)}`, ['node dev@0', ['property reg']], ['node dev@1', []]]]]],
    ], typed);
  }
  // a value continued on the next line is one item: its error there is skipped to the ';' as before, one diagnostic
  for (const value of ['clocks = <1>,\n\t\t\t<2 $>;', 'reg = <0x0\n\t\t\tFOO_SIZE>;', 'compatible = "a",\n\t\t\tFOO;']) {
    const cont = `${head}\t\t${value}\n${tail}`;
    const f = parseDts(cont);
    assert.equal(f.errors.length, 1, `${value}: ${JSON.stringify(f.errors)}`);
    assert.deepEqual(outline(cont, f.statements)[1], ['rootNode', [['node bus', ['property status', `error ${JSON.stringify(value)}`, ['node dev@0', ['property reg']], ['node dev@1', []]]]]]);
  }
});
