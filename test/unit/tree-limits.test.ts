// Robustness of buildTree: bounded depth, cancellation, no exceptions on odd ASTs, speed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { MemoryFileSystem } from '../../server/src/base/fs';
import type * as ast from '../../server/src/syntax/ast';
import { parseDts } from '../../server/src/syntax/parse';
import { emitDts } from '../../server/src/tree/emit';
import { buildTree, MAX_NODE_DEPTH } from '../../server/src/tree/merge';
import { IdentityMap } from '../util/identity-map';
import { fixture } from '../util/paths';

const FILE = '/virtual/deep.dts';

function deepAst(depth: number): ast.DtsFile {
  // innermost first; node i spans [i*10, i*10+5) for its name
  let body: ast.NodeBody = { start: depth * 10 + 6, end: depth * 10 + 8, items: [], closeBrace: depth * 10 + 7 };
  for (let i = depth; i >= 1; i--) {
    const n: ast.NodeDef = {
      kind: 'node', labels: [], omitIfNoRef: false, name: `n${i}`,
      nameSpan: { start: i * 10, end: i * 10 + 5 }, body, start: i * 10, end: 10 * depth + 9,
    };
    body = { start: i * 10 - 4, end: 10 * depth + 9, items: [n], closeBrace: 10 * depth + 8 };
  }
  const rootSt: ast.RootNodeStatement = { kind: 'rootNode', labels: [], body, start: 0, end: 10 * depth + 10 };
  return { statements: [{ kind: 'version', start: 0, end: 0 }, rootSt], errors: [] };
}

test('10,000-deep nesting is cut at MAX_NODE_DEPTH with one resource-limit diagnostic', () => {
  const tree = buildTree(deepAst(10000), { map: new IdentityMap(FILE), fs: new MemoryFileSystem(), root: FILE });
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.start, d.end]), [
    ['resource-limit', (MAX_NODE_DEPTH + 1) * 10, (MAX_NODE_DEPTH + 1) * 10 + 5],
  ]);
  let depth = 0;
  for (let n = tree.root; n.children.length; n = n.children[0]) depth++;
  assert.equal(depth, MAX_NODE_DEPTH + 1);
  assert.ok(emitDts(tree).length > 0);
});

test('cancellation stops the build with a resource-limit diagnostic', () => {
  const file = fixture('tree', 'merge-order.dts');
  const text = fs.readFileSync(file, 'utf8');
  const tree = buildTree(parseDts(text), { map: new IdentityMap(file), fs: new MemoryFileSystem(), root: file, isCancelled: () => true });
  assert.deepEqual(tree.diagnostics.map((d) => d.code), ['resource-limit']);
  assert.match(tree.diagnostics[0].message, /cancelled/);
});

test('never throws: every prefix and every statement subset of the fixtures builds', () => {
  const dir = fixture('tree');
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.dts'))) {
    const file = `${dir}/${name}`;
    const text = fs.readFileSync(file, 'utf8');
    const full = parseDts(text);
    const cuts: number[] = [];
    for (let cut = 0; cut <= text.length; cut += 7) cuts.push(cut);
    cuts.push(text.length);
    for (const cut of cuts) {
      const part = parseDts(text.slice(0, cut));
      const t = buildTree(part, { map: new IdentityMap(file), fs: new MemoryFileSystem(), root: file });
      // an exception inside the build would come back as one resource-limit diagnostic and an empty tree
      const caught = t.diagnostics.filter((d) => d.code === 'resource-limit' || /internal error/.test(d.message));
      assert.deepEqual(caught.map((d) => d.message), [], `${name} cut at ${cut}`);
      // what was built is a tree: printed and built again it is the same tree
      const printed = emitDts(t);
      const again = buildTree(parseDts(printed), { map: new IdentityMap(file), fs: new MemoryFileSystem(), root: file });
      assert.equal(emitDts(again), printed, `${name} cut at ${cut}: the printed tree builds into another tree`);
    }
    // the whole file builds the nodes it defines (a root that always exists proves nothing)
    const whole = buildTree(full, { map: new IdentityMap(file), fs: new MemoryFileSystem(), root: file });
    if (full.statements.some((st) => st.kind === 'rootNode' && st.body.items.some((it) => it.kind === 'node'))) {
      assert.ok(whole.root.children.length > 0, `${name}: no node built`);
    }
    // statements in reverse order: references before definitions, extensions before the root
    const rev: ast.DtsFile = { statements: [...full.statements].reverse(), errors: [] };
    const t = buildTree(rev, { map: new IdentityMap(file), fs: new MemoryFileSystem(), root: file });
    assert.deepEqual(t.diagnostics.filter((d) => d.code === 'resource-limit' || /internal error/.test(d.message)).map((d) => d.message), [], name);
  }
});

test('an exception inside the merge is reported as an internal error, a stack overflow too', () => {
  const file = fixture('tree', 'merge-order.dts');
  const text = fs.readFileSync(file, 'utf8');
  const parsed = parseDts(text);
  // a statement the merge cannot read (a broken AST) makes it throw; so does a statement list that recurses forever
  const broken: ast.DtsFile = { statements: [...parsed.statements, { kind: 'rootNode', labels: [], body: null, start: 1, end: 2 } as unknown as ast.TopStatement], errors: [] };
  const t1 = buildTree(broken, { map: new IdentityMap(file), fs: new MemoryFileSystem(), root: file });
  assert.deepEqual(t1.diagnostics.map((d) => d.code), ['resource-limit']);
  assert.match(t1.diagnostics[0].message, /^internal error while building the tree: /);
  // a stack overflow (here in the cancellation callback the merge calls) is no "too large" input: an internal error too
  const recurse = (n: number): number => recurse(n + 1) + 1;
  const t3 = buildTree(parsed, { map: new IdentityMap(file), fs: new MemoryFileSystem(), root: file, isCancelled: () => recurse(0) > 0 });
  assert.deepEqual(t3.diagnostics.map((d) => d.code), ['resource-limit']);
  assert.match(t3.diagnostics[0].message, /^internal error while building the tree: Maximum call stack size exceeded/);
  const loop: ast.NodeBody = { start: 0, end: 1, items: [], closeBrace: 0 };
  loop.items.push({ kind: 'node', labels: [], omitIfNoRef: false, name: 'x', nameSpan: { start: 0, end: 1 }, body: loop, start: 0, end: 1 } as ast.NodeDef);
  // (the depth cap stops a cyclic body like any deep one: no stack overflow)
  const t2 = buildTree({ statements: [{ kind: 'rootNode', labels: [], body: loop, start: 0, end: 1 }], errors: [] }, { map: new IdentityMap(file), fs: new MemoryFileSystem(), root: file });
  assert.deepEqual(t2.diagnostics.map((d) => d.code), ['resource-limit']);
  assert.match(t2.diagnostics[0].message, /deeper than/);
});

test('a large generated tree (20,000 nodes, 12,000 references, 2,000 extensions) merges completely', () => {
  const parts: string[] = ['/dts-v1/;\n/ {\n'];
  for (let i = 0; i < 10000; i++) parts.push(`\tl${i}: node${i} { ref = <&l${(i * 7) % 10000}>; child { v = <${i}>; }; };\n`);
  parts.push('};\n');
  for (let i = 0; i < 2000; i++) parts.push(`&l${i * 5} { extra = <&l${i}>; };\n`);
  const text = parts.join('');
  const a = parseDts(text);
  // (speed is measured by `npm run bench`, never in a unit test)
  const tree = buildTree(a, { map: new IdentityMap(FILE), fs: new MemoryFileSystem(), root: FILE });
  assert.deepEqual(tree.diagnostics, []);
  assert.equal(tree.phandles.size, 10000);
  assert.equal(tree.root.children.length, 10000);
  assert.equal(tree.root.children[5].properties.map((p) => p.name).join(','), 'ref,extra,phandle');
});
