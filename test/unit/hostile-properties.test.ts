// Property tests of the grammar and the pipeline (fast-check):
//  - a generated well-formed tree round-trips: text -> analysis (no diagnostics) -> emitDts ->
//    analysis -> emitDts gives the same text, the same node paths and property names;
//  - random text, random bytes and random token soup never throw, never give an internal
//    error, and every diagnostic range lies inside its file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AnalysisHost } from '../../server/src/analysis';
import { MemoryFileSystem } from '../../server/src/base/fs';
import { emitDts } from '../../server/src/tree/emit';
import type { TreeNode } from '../../server/src/tree/types';
import { checkDiagnostics } from '../../scripts/fuzz/run-one';

const ROOT = '/prop/board.dts';

function analyze(text: string | Uint8Array) {
  const fs = new MemoryFileSystem();
  fs.set(ROOT, text);
  return new AnalysisHost(fs, { autoDetectIncludePaths: false }).analyze(ROOT);
}

function shape(n: TreeNode, prefix = ''): string[] {
  const here = prefix === '' ? '/' : prefix;
  const out = [`${here} [${n.properties.map((p) => p.name).join(',')}]`];
  for (const c of n.children) out.push(...shape(c, `${prefix}/${c.name}`));
  return out;
}

// ---- generators of well-formed DTS -------------------------------------------------------

const ident = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const unitAddr = fc.option(fc.integer({ min: 0, max: 0xffff }).map((v) => v.toString(16)), { nil: undefined });
const cell = fc.oneof(fc.integer({ min: 0, max: 0xffffffff }).map((v) => `0x${v.toString(16)}`), fc.integer({ min: 0, max: 1000 }).map(String));
const value = fc.oneof(
  fc.array(cell, { minLength: 1, maxLength: 6 }).map((cs) => `<${cs.join(' ')}>`),
  fc.stringMatching(/^[a-zA-Z0-9 ,._-]{0,20}$/).map((s) => `"${s}"`),
  fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }).map((bs) => `[${bs.map((b) => b.toString(16).padStart(2, '0')).join(' ')}]`),
  fc.tuple(fc.constantFrom(8, 16, 32, 64), fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 })).map(([b, cs]) => `/bits/ ${b} <${cs.join(' ')}>`),
);
const property = fc.tuple(ident, fc.option(value, { nil: undefined })).map(([n, v]) => ({ name: `p-${n}`, text: v === undefined ? `p-${n};` : `p-${n} = ${v};` }));

interface GenNode { name: string; props: Array<{ name: string; text: string }>; children: GenNode[] }
const node: fc.Memo<GenNode> = fc.memo((d) =>
  fc.record({
    name: fc.tuple(ident, unitAddr).map(([n, a]) => (a === undefined ? `n-${n}` : `n-${n}@${a}`)),
    props: fc.uniqueArray(property, { maxLength: 5, selector: (p) => p.name }),
    children: d > 1 ? fc.uniqueArray(node(d - 1), { maxLength: 3, selector: (c) => c.name }) : fc.constant([]),
  }),
);

function render(n: GenNode, indent: string): string {
  const inner = indent + '\t';
  return [
    `${indent}${n.name} {`,
    ...n.props.map((p) => inner + p.text),
    ...n.children.map((c) => render(c, inner)),
    `${indent}};`,
  ].join('\n');
}

const board = fc.record({
  props: fc.uniqueArray(property, { maxLength: 4, selector: (p) => p.name }),
  children: fc.uniqueArray(node(4), { maxLength: 4, selector: (c) => c.name }),
}).map((r) => ['/dts-v1/;', '/ {', ...r.props.map((p) => '\t' + p.text), ...r.children.map((c) => render(c, '\t')), '};', ''].join('\n'));

test('well-formed trees round-trip through parse -> merge -> emitDts -> parse', () => {
  fc.assert(
    fc.property(board, (text) => {
      const a = analyze(text);
      assert.deepEqual(a.diagnostics, [], text);
      const emitted = emitDts(a.tree);
      const b = analyze(emitted);
      assert.deepEqual(b.diagnostics, [], emitted);
      assert.deepEqual(shape(b.tree.root), shape(a.tree.root));
      assert.equal(emitDts(b.tree), emitted);
    }),
    { numRuns: 150, seed: 42 },
  );
});

// ---- hostile text ------------------------------------------------------------------------

const invariant = (text: string | Uint8Array): void => {
  const a = analyze(text);
  assert.deepEqual(checkDiagnostics(a), []);
};

test('random unicode text never throws and keeps ranges inside the file', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), invariant), { numRuns: 300, seed: 7 });
});

test('random bytes (invalid UTF-8, NUL, CR) never throw', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), invariant), { numRuns: 300, seed: 8 });
});

const TOKENS = ['/dts-v1/;', '/ {', '};', '{', '}', ';', '=', '<', '>', '[', ']', '(', ')', '&', '&l', 'l:', 'n', 'n@1', 'p', '"s"', '0x1', '1',
  '/bits/', '64', '/delete-node/', '/delete-property/', '/omit-if-no-ref/', '/incbin/', '/memreserve/', '/plugin/;', '#include "x.h"',
  '\n#define A(x) x\n', '\n#if 1\n', '\n#else\n', '\n#endif\n', 'A(', '/*', '*/', '//', '\\', '\r', '\0', ',', '-', '+', '/', '%', '?', ':'];

test('random token soup never throws and keeps ranges inside the file', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((ts) => ts.join(' ')), invariant),
    { numRuns: 400, seed: 9 },
  );
});
