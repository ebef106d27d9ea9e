// What the language server keeps at rest is shared where it is the same: one frozen empty list for every
// AST item, value part and tree node or property without labels (base/empty.ts), one copy of each string
// and type list of the bindings' schema index (bindings/index-compact.ts). Adding labels to something that
// had none must replace the shared list, never grow it (it would give every other owner the label). What can be
// made again is dropped when the editor is idle (AnalysisHost.releaseAtRest: the parse cache's entries no
// context's last parse uses); the analyses after it must equal fresh ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { noItems, withAdded } from '../../server/src/base/empty';
import { compactIndex } from '../../server/src/bindings/index-compact';
import type { SchemaIndex } from '../../server/src/bindings/worker';
import { parseDts } from '../../server/src/syntax/parse';
import { shiftStatement } from '../../server/src/syntax/shift';
import { applyOverlay } from '../../server/src/tree/apply-overlay';
import type { TreeNode } from '../../server/src/tree/types';
import { IdentityMap } from '../util/identity-map';
import { buildFromText } from '../util/tree-helpers';
import { diffRun } from '../util/incremental-diff';
import { fixture } from '../util/paths';

function nodes(n: TreeNode, acc: TreeNode[] = []): TreeNode[] {
  acc.push(n);
  for (const c of n.children) nodes(c, acc);
  return acc;
}

test('empty label lists of the AST and the live tree are the one shared frozen list', () => {
  const shared = noItems();
  assert.ok(Object.isFrozen(shared));
  assert.throws(() => (shared as number[]).push(1));
  const text = '/dts-v1/;\n/ { a { p = <1>, "x"; q; }; l1: b { l2: r = l3: <2 &l1>; }; };\n';
  const { ast, tree } = buildFromText('/t.dts', text);
  const items: { labels: unknown[] }[] = [];
  const parts: { labelsBefore: unknown[]; labelsAfter: unknown[] }[] = [];
  const walk = (its: readonly unknown[]): void => {
    for (const it of its as { kind: string; labels: unknown[]; value?: typeof parts; body?: { items: unknown[] } }[]) {
      if (it.kind !== 'property' && it.kind !== 'node') continue;
      items.push(it);
      if (it.value) parts.push(...it.value);
      if (it.body) walk(it.body.items);
    }
  };
  for (const s of ast.statements) if (s.kind === 'rootNode') walk(s.body.items);
  const empty = items.filter((i) => i.labels.length === 0);
  assert.equal(empty.length, 3); // a, p, q (b and r have labels)
  for (const i of empty) assert.equal(i.labels, shared);
  assert.ok(parts.length >= 3);
  for (const p of parts) {
    if (p.labelsBefore.length === 0) assert.equal(p.labelsBefore, shared);
    if (p.labelsAfter.length === 0) assert.equal(p.labelsAfter, shared);
  }
  // a statement moved to another offset (the parse cache's reuse) keeps sharing it
  const moved = shiftStatement(ast.statements[1], 100) as unknown as { body: { items: { labels: unknown[] }[] } };
  assert.equal(moved.body.items[0].labels, shared);
  // the tree: nodes and properties without labels
  const all = nodes(tree.root);
  const a = all.find((n) => n.name === 'a')!;
  assert.equal(a.labels, shared);
  for (const p of a.properties) assert.equal(p.labels, shared);
  assert.deepEqual(all.find((n) => n.name === 'b')!.labels.map((l) => l.name), ['l1']);
});

test('labels added to a property or node that had none replace the shared list (duplicates, overlays)', () => {
  // a duplicate property in one body: the later one's labels join the first one's
  const { tree } = buildFromText('/d.dts', '/dts-v1/;\n/ { n { p = <1>; lp: p = <2>; q = <3>; }; m { }; };\n');
  const n = tree.root.children.find((c) => c.name === 'n')!;
  assert.deepEqual(n.properties.find((p) => p.name === 'p')!.labels.map((l) => l.name), ['lp']);
  assert.equal(n.properties.find((p) => p.name === 'q')!.labels.length, 0);
  assert.equal(tree.root.children.find((c) => c.name === 'm')!.labels.length, 0);
  assert.equal(noItems().length, 0);
  // an overlay fragment's label on a base node without labels
  const base = buildFromText('/b.dts', '/dts-v1/;\n/ { x { }; y { }; };\n').tree;
  const overlayText = '/dts-v1/;\n/plugin/;\n&{/} { lx: x { v = <1>; }; };\n';
  const overlay = buildFromText('/o.dtso', overlayText).tree;
  applyOverlay(base, overlay, new IdentityMap('/o.dtso', overlayText.length));
  const x = base.root.children.find((c) => c.name === 'x')!;
  const y = base.root.children.find((c) => c.name === 'y')!;
  assert.deepEqual(x.labels.map((l) => l.name), ['lx']);
  assert.deepEqual(y.labels, []);
  assert.equal(noItems().length, 0);
  // withAdded grows a list of its own in place
  const own = [1];
  assert.equal(withAdded(own, [2]), own);
  assert.deepEqual(own, [1, 2]);
  assert.deepEqual(withAdded(noItems<number>(), [3]), [3]);
});

test("a board's parse shares the empty list everywhere (no AST list without labels is its own)", () => {
  const f = fixture('linux-stack', 'arch/arm64/boot/dts/acme/acme-board.dts');
  const ast = parseDts(fs.readFileSync(f, 'utf8'));
  let own = 0;
  const seen = (x: unknown): void => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) { for (const y of x) seen(y); return; }
    const o = x as Record<string, unknown>;
    for (const k of ['labels', 'labelsBefore', 'labelsAfter']) if (Array.isArray(o[k]) && (o[k] as unknown[]).length === 0 && o[k] !== noItems()) own++;
    for (const v of Object.values(o)) if (typeof v === 'object') seen(v);
  };
  seen(ast.statements);
  assert.equal(own, 0);
});

test('the compacted schema index equals the one received and holds each string and type list once', () => {
  const id = (n: number): string => `http://devicetree.org/schemas/x/${'long-'.repeat(8)}${n}.yaml#`;
  const copy = (s: string): string => (' ' + s).slice(1);
  const ix: SchemaIndex = {
    key: 'k',
    origin: 'o',
    compatMap: { 'a,one': copy(id(1)), 'a,two': copy(id(1)), 'b,three': copy(id(2)) },
    files: { [id(1)]: copy('x/1.yaml'), [id(2)]: copy('x/2.yaml') },
    types: { props: { reg: [{ type: 'uint32-matrix' }], clocks: [{ type: 'phandle-array' }], 'x-u32': [{ type: 'uint32' }], 'y-u32': [{ type: 'uint32' }] }, patterns: { '-gpios$': [{ type: 'phandle-array' }] } },
    compatibles: ['a,one', 'a,two', 'b,three'].map(copy),
  };
  const before = JSON.stringify(ix);
  const c = compactIndex(ix);
  assert.equal(JSON.stringify(c), before);
  assert.equal(JSON.stringify(ix), before); // the received index is not changed
  assert.equal(c.types.props['x-u32'], c.types.props['y-u32']);
  assert.equal(c.types.props.clocks, c.types.patterns['-gpios$']);
  assert.notEqual(c.types.props.reg, c.types.props.clocks);
});

test('the parse cache trimmed at rest keeps what the open contexts use; analyses after it equal fresh ones', () => {
  const run = diffRun();
  const root = '/virtual/mem/board.dts';
  const v1 = '/dts-v1/;\n/ { a { p = <1>; l: q = "x"; }; b { r = <&l>; }; };\n&{/a} { s = <2>; };\n&l2 { t; };\n/ { l2: c { }; };\n';
  // two places changed at once: a whole parse (the edit path needs one), the old statements stay cached
  const v2 = v1.replace('p = <1>', 'p = <1 2>').replace('t;', 't; u = <3>;');
  run.fs.setOverlay(root, v1);
  assert.equal(run.step(root).diff, undefined);
  run.fs.setOverlay(root, v2);
  assert.equal(run.step(root).diff, undefined);
  const { parsed } = run.host.parseStats;
  const dropped = run.host.releaseAtRest();
  assert.ok(dropped >= 2, `${dropped} entries dropped`);
  assert.equal(run.host.releaseAtRest(), 0); // what is left is what the last parse uses
  // the same text again: nothing parsed (the live statements stayed), the same analysis as a fresh one
  assert.equal(run.step(root).diff, undefined);
  assert.equal(run.host.parseStats.parsed, parsed);
  // back to the first text (an undo): its statements are parsed again, with the same result
  run.fs.setOverlay(root, v1);
  assert.equal(run.step(root).diff, undefined);
  assert.ok(run.host.parseStats.parsed > parsed);
  run.fs.setOverlay(root, v2.replace('s = <2>', 's = <2 3>'));
  assert.equal(run.step(root).diff, undefined);
});

test('a kernel board and its SoC .dtsi edited, trimmed at rest and edited again: every analysis equals a fresh one', { skip: !kernelTreeIfPresent() && 'no kernel tree' }, () => {
  const dts = path.join(kernelTreeIfPresent()!, 'arch/arm64/boot/dts');
  const board = path.join(dts, 'qcom/sc7280-herobrine-villager-r1-lte.dts');
  const soc = path.join(dts, 'qcom/sc7280.dtsi');
  const run = diffRun();
  const text = fs.readFileSync(soc, 'utf8');
  assert.equal(run.step(board).diff, undefined);
  // a value in the SoC's huge root statement (parsed item by item), then a structural edit of two places
  const at = text.indexOf('#address-cells = <2>;', text.length / 2);
  const edited = text.slice(0, at) + '#address-cells = <2>; x-mem-test = <1>;' + text.slice(at + '#address-cells = <2>;'.length);
  run.fs.setOverlay(soc, edited);
  assert.equal(run.step(board).diff, undefined);
  run.fs.setOverlay(soc, edited.replace('x-mem-test = <1>;', 'x-mem-test = <1 2>;').replace('/ {', '/ { y-mem-test;'));
  assert.equal(run.step(board).diff, undefined);
  assert.ok(run.host.releaseAtRest() > 0);
  assert.equal(run.step(board).diff, undefined);
  run.fs.setOverlay(soc, text);
  assert.equal(run.step(board).diff, undefined);
});

test('a context analysed again with the same texts keeps one copy of its preprocessed text', async () => {
  // (a second copy stayed alive through the names of the first analysis' tree, which are slices of its text)
  const { AnalysisHost } = await import('../../server/src/analysis');
  const { OverlayFileSystem } = await import('../../server/src/base/fs');
  const { NodeFileSystem } = await import('../../server/src/base/node-fs');
  const v8 = await import('node:v8');
  const marker = `one-copy-marker-${process.pid}-${Date.now()}`;
  const board = path.join(fixture('lsp'), 'one-copy.dts');
  // (the comment makes the preprocessed text differ from the file's)
  const text = `/* one copy */ /dts-v1/;\n/ {\n\tmodel = "${marker}";\n${Array.from({ length: 200 }, (_, i) => `\tnode${i} { compatible = "vendor,${marker}-${i}"; };\n`).join('')}};\n`;
  const fsys = new OverlayFileSystem(new NodeFileSystem());
  const host = new AnalysisHost(fsys, { incremental: true });
  fsys.setOverlay(board, text);
  const first = host.analyze(board);
  // the same text again, as a new document version (another document of the context was opened)
  fsys.setOverlay(board, text.slice(0, 10) + text.slice(10));
  const second = host.analyze(board);
  assert.equal(second.pp.text.length, first.pp.text.length);
  // the strings of the heap that hold the whole preprocessed text
  const chunks: Buffer[] = [];
  for await (const c of v8.getHeapSnapshot()) chunks.push(c as Buffer);
  const snap = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: string[][] } }; nodes: number[]; strings: string[] };
  // (a snapshot names a string by its first 1,024 characters; its own size tells a flat copy of the whole text)
  const head = second.pp.text.slice(0, 1024);
  const fields = snap.snapshot.meta.node_fields;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const stringType = snap.snapshot.meta.node_types[0].indexOf('string');
  const whole: number[] = [];
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    if (snap.nodes[i + iType] === stringType && snap.nodes[i + iSize] >= second.pp.text.length && snap.strings[snap.nodes[i + iName]] === head) whole.push(i);
  }
  assert.equal(whole.length, 1, `${whole.length} copies of the preprocessed text`);
  assert.ok(first.diagnostics.length === second.diagnostics.length);
});
