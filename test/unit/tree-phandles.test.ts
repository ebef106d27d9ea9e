// Phandle numbering, /omit-if-no-ref/ and overlays, as dtc does them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findNodeByPath } from '../../server/src/tree/query';
import { getProperty, nodePath, type LiveTree, type TreeNode } from '../../server/src/tree/types';
import { compileDecompile, dtcAvailable } from '../util/dtc';
import { buildFixture, buildFromText, rangeOf } from '../util/tree-helpers';

function node(tree: LiveTree, path: string): TreeNode {
  const n = findNodeByPath(tree, path);
  assert.ok(n, `no node ${path}`);
  return n;
}
function cells(n: TreeNode, p: string): bigint[] {
  const prop = getProperty(n, p);
  assert.ok(prop, `no property ${p}`);
  return prop.chunks.flatMap((c) => (c.kind === 'cells' ? c.cells.map((x) => x.value) : []));
}

test('generated phandles follow dtc: pre-order of references, skipping explicit values', () => {
  const { tree } = buildFixture('phandles.dts');
  assert.deepEqual(tree.diagnostics, []);
  const ph = (p: string): number | undefined => node(tree, p).phandle;
  // explicit: /explicit = 2, /legacy = 4 (linux,phandle); generated in reference order: clk_b 1, clk_a 3, rst 5, legacy_l 6, self 7
  assert.deepEqual(['/clock-b', '/explicit', '/clock-a', '/legacy', '/reset', '/unused', '/selfref'].map(ph), [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(cells(node(tree, '/consumer'), 'clocks'), [1n, 3n, 1n]);
  assert.deepEqual(cells(node(tree, '/consumer'), 'resets'), [5n]);
  assert.deepEqual(cells(node(tree, '/consumer'), 'self'), [2n]);
  assert.deepEqual(cells(node(tree, '/reset'), 'ref-to-legacy'), [4n]);
  // the `phandle` property is appended where dtc adds it; not on /legacy (linux,phandle only) nor twice on /selfref
  assert.deepEqual(node(tree, '/clock-a').properties.map((p) => p.name), ['#clock-cells', 'phandle']);
  assert.deepEqual(node(tree, '/legacy').properties.map((p) => p.name), ['linux,phandle', 'ref']);
  assert.deepEqual(node(tree, '/selfref').properties.map((p) => p.name), ['phandle']);
  assert.deepEqual(cells(node(tree, '/selfref'), 'phandle'), [7n]);
  assert.equal(tree.phandles.get(6), node(tree, '/unused'));
  assert.equal(tree.phandles.size, 7);
});

test('/omit-if-no-ref/ removes unreferenced marked nodes after resolution (both forms)', () => {
  const { tree, text } = buildFixture('omit-if-no-ref.dts');
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(tree.root.children.map((c) => c.name), ['used', 'user', 'path-used']);
  assert.equal(node(tree, '/used').omitIfNoRef, true);
  assert.deepEqual(tree.deleted.map((d) => [d.path, d.deletedBy.start]), [
    ['/unused', rangeOf(text, '/omit-if-no-ref/ unused').start],
    ['/marked-later', rangeOf(text, '/omit-if-no-ref/ &marked_later;').start],
  ]);
  assert.equal(tree.labels.has('unused'), false);
});

test('overlay: unresolved &label targets become fragments, no errors; &{/path} always a fragment', () => {
  const { tree, text } = buildFixture('overlay.dts');
  assert.equal(tree.isPlugin, true);
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(tree.root.children.map((c) => c.name), ['fragment@0', 'fragment@1', 'local-node']);
  const f0 = node(tree, '/fragment@0');
  assert.deepEqual(cells(f0, 'target'), [0xffffffffn]);
  const target = getProperty(f0, 'target')!.chunks[0];
  assert.ok(target.kind === 'cells' && target.cells[0].ref);
  assert.equal(target.cells[0].ref.target, undefined);
  assert.deepEqual({ start: target.cells[0].ref.ref.start, end: target.cells[0].ref.ref.end }, rangeOf(text, '&base_uart'));
  assert.deepEqual(node(tree, '/fragment@0/__overlay__').properties.map((p) => p.name), ['status', 'dmas']);
  const tp = getProperty(node(tree, '/fragment@1'), 'target-path')!.chunks[0];
  assert.ok(tp.kind === 'string');
  assert.equal(tp.value, '/soc/i2c@1000');
  assert.ok(findNodeByPath(tree, '/fragment@1/__overlay__/sensor@48'));
  // a label defined in the overlay itself is merged locally and gets a phandle
  assert.deepEqual(node(tree, '/local-node').properties.map((p) => p.name), ['ref', 'added', 'phandle']);
  assert.deepEqual(cells(node(tree, '/local-node'), 'ref'), [1n]);
});

test('overlay with a base tree: references resolve against the base labels', () => {
  const base = buildFixture('overlay-base.dts').tree;
  assert.deepEqual(base.diagnostics, []);
  const { tree } = buildFixture('overlay.dts', base);
  assert.deepEqual(tree.diagnostics, []);
  const byStart = new Map(tree.references.map((r) => [r.ref.kind === 'labelRef' ? r.ref.name : r.ref.path, r.target && nodePath(r.target)]));
  assert.equal(byStart.get('base_uart'), '/soc/serial@2000');
  assert.equal(byStart.get('base_dma'), '/soc/dma@3000');
  assert.equal(byStart.get('/soc/i2c@1000'), '/soc/i2c@1000');
  assert.equal(byStart.get('local'), '/local-node');
  // the blob value stays a fixup
  assert.deepEqual(cells(node(tree, '/fragment@0'), 'target'), [0xffffffffn]);

  const missing = buildFixture('overlay-missing.dts', base);
  assert.deepEqual(missing.tree.diagnostics.map((d) => [d.code, d.start, d.end]), [
    ['unresolved-reference', rangeOf(missing.text, '&no_such_label').start, rangeOf(missing.text, '&no_such_label').end],
    ['unresolved-reference', rangeOf(missing.text, '&not_in_base').start, rangeOf(missing.text, '&not_in_base').end],
  ]);
  // without a base, unresolved labels are legal fixups
  assert.deepEqual(buildFixture('overlay-missing.dts').tree.diagnostics, []);
});

test('overlay: a phandle reference to a path cannot become a fixup (dtc 1.7 error)', () => {
  const { tree, text } = buildFixture('dtc17-err-plugin-path-ref.dts');
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.start, d.end]), [
    ['unresolved-reference', rangeOf(text, '&{/some/path}').start, rangeOf(text, '&{/some/path}').end],
  ]);
});

/** Node path -> phandle in dtc's decompiled output. */
function dtcPhandles(dts: string): Map<string, number> {
  const out = new Map<string, number>();
  const stack: string[] = [];
  for (const raw of dts.split('\n')) {
    const line = raw.trim();
    const open = /^(?:[\w,.+-]+: )*([\w,.+@-]+|\/) \{$/.exec(line);
    if (open) { stack.push(open[1]); continue; }
    if (line === '};') { stack.pop(); continue; }
    const ph = /^phandle = <(0x[0-9a-f]+)>;$/.exec(line);
    if (ph) out.set('/' + stack.slice(1).join('/'), Number(ph[1]));
  }
  return out;
}

test('generated phandles equal dtc\'s on random trees (explicit values, references in any order, path references)', (t) => {
  if (!dtcAvailable()) { t.skip('no dtc'); return; }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-phandles-'));
  try {
    let seed = 17;
    const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) >>> 0; return (seed >>> 8) % n; };
    for (let round = 0; round < 12; round++) {
      const n = 6 + rnd(20);
      const explicit = new Map<number, number>();
      for (let i = 0; i < n; i++) if (rnd(4) === 0) explicit.set(i, 1 + rnd(n + 3));
      const used = new Set<number>();
      for (const [i, v] of [...explicit]) { if (used.has(v)) explicit.delete(i); else used.add(v); }
      const lines = ['/dts-v1/;', '/ {'];
      // nodes n0..n(k-1), each a child of an earlier one or of the root
      const parent: number[] = [];
      const pathOf = (i: number): string => (parent[i] < 0 ? `/n${i}` : `${pathOf(parent[i])}/n${i}`);
      for (let i = 0; i < n; i++) parent.push(i === 0 || rnd(3) === 0 ? -1 : rnd(i));
      const body = (i: number, depth: number): string[] => {
        const ind = '\t'.repeat(depth);
        const b = [`${ind}l${i}: n${i} {`];
        if (explicit.has(i)) b.push(`${ind}\tphandle = <${explicit.get(i)}>;`);
        const refs: string[] = [];
        for (let k = rnd(3); k > 0; k--) refs.push(rnd(5) === 0 ? `&{${pathOf(rnd(n))}}` : `&l${rnd(n)}`);
        if (refs.length) b.push(`${ind}\tr = <${refs.join(' ')}>;`);
        if (rnd(6) === 0) b.push(`${ind}\tp = &l${rnd(n)};`);
        for (let c = 0; c < n; c++) if (parent[c] === i) b.push(...body(c, depth + 1));
        b.push(`${ind}};`);
        return b;
      };
      for (let i = 0; i < n; i++) if (parent[i] < 0) lines.push(...body(i, 1));
      lines.push('};');
      // references in later statements too, in a random order
      for (let k = rnd(4); k > 0; k--) lines.push(`&l${rnd(n)} { late = <&l${rnd(n)}>; };`);
      const text = lines.join('\n') + '\n';
      const file = path.join(dir, `r${round}.dts`);
      fs.writeFileSync(file, text);
      const r = compileDecompile(file);
      assert.ok(r.ok, r.stderr);
      const expected = dtcPhandles(r.dts);
      const { tree } = buildFromText(file, text);
      assert.deepEqual(tree.diagnostics, [], text);
      const ours = new Map<string, number>();
      const walk = (x: TreeNode): void => { if (x.phandle !== undefined) ours.set(nodePath(x), x.phandle); x.children.forEach(walk); };
      walk(tree.root);
      assert.ok(expected.size > 0);
      assert.deepEqual([...ours].sort(), [...expected].sort(), `round ${round}:\n${text}`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
