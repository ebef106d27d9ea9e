// Merge semantics of buildTree (dtc livetree.c / dtc-parser.y), on fixtures in test/fixtures/tree/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findNodeByPath } from '../../server/src/tree/query';
import { getProperty, nodePath, type TreeNode } from '../../server/src/tree/types';
import { buildFixture, buildFromText, rangeOf } from '../util/tree-helpers';

function node(tree: { root: TreeNode }, path: string): TreeNode {
  const n = findNodeByPath(tree as never, path);
  assert.ok(n, `no node ${path}`);
  return n;
}
const propNames = (n: TreeNode): string[] => n.properties.map((p) => p.name);
const childNames = (n: TreeNode): string[] => n.children.map((c) => c.name);
const str = (n: TreeNode, p: string): string | undefined => {
  const c = getProperty(n, p)?.chunks[0];
  return c && c.kind === 'string' ? c.value : undefined;
};
const cell0 = (n: TreeNode, p: string): bigint | undefined => {
  const c = getProperty(n, p)?.chunks[0];
  return c && c.kind === 'cells' ? c.cells[0].value : undefined;
};

test('root bodies merge; properties are overridden in place, new ones appended; children merged', () => {
  const { tree, text } = buildFixture('merge-order.dts');
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(propNames(tree.root), ['#address-cells', '#size-cells', 'model', 'compatible']);
  assert.equal(str(tree.root, 'model'), 'second');
  assert.deepEqual(childNames(tree.root), ['soc']);
  assert.deepEqual(childNames(node(tree, '/soc')), ['serial@1000', 'bus', 'serial@2000']);
  const uart = node(tree, '/soc/serial@1000');
  assert.deepEqual(propNames(uart), ['reg', 'status', 'clock-frequency', 'current-speed']);
  assert.equal(str(uart, 'status'), 'okay');
  // the overriding statement is the property's span; both statements are contributions
  const status = getProperty(uart, 'status')!;
  assert.deepEqual({ start: status.span.start, end: status.span.end }, rangeOf(text, 'status = "okay";', 0));
  assert.deepEqual(status.contributions.map((c) => c.start), [rangeOf(text, 'status = "disabled";').start, rangeOf(text, 'status = "okay";', 0).start]);
});

test('&label, label: &{/path} and &label extensions merge into the target; labels accumulate', () => {
  const { tree, text } = buildFixture('merge-order.dts');
  const leaf = node(tree, '/soc/bus/leaf');
  assert.deepEqual(propNames(leaf), ['a', 'b', 'c']);
  assert.deepEqual(leaf.labels.map((l) => l.name), ['inner', 'extra']);
  assert.deepEqual(node(tree, '/soc/serial@2000').labels.map((l) => l.name), ['second']);
  assert.equal(tree.labels.get('second')?.node, node(tree, '/soc/serial@2000'));
  assert.equal(tree.labels.get('extra')?.node, leaf);
  // every contributing body, with the name (or reference) span for go-to-definition
  const uart = node(tree, '/soc/serial@1000');
  assert.deepEqual(uart.contributions.map((c) => [c.kind, c.nameSpan.start, c.nameSpan.end]), [
    ['definition', rangeOf(text, 'serial@1000').start, rangeOf(text, 'serial@1000').end],
    ['extension', rangeOf(text, '&uart0').start, rangeOf(text, '&uart0').end],
  ]);
  assert.deepEqual(node(tree, '/soc').contributions.map((c) => c.kind), ['definition', 'extension']);
  assert.deepEqual(tree.root.contributions.map((c) => c.kind), ['definition', 'extension']);
});

test('deletes are applied in order in merged bodies; a re-added property or node keeps its place', () => {
  const { tree, text } = buildFixture('delete.dts');
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(childNames(tree.root), ['keep', 'readd']);
  const keep = node(tree, '/keep');
  assert.deepEqual(propNames(keep), ['y', 'z', 'w']);
  assert.equal(cell0(keep, 'y'), 5n);
  assert.deepEqual(propNames(node(tree, '/readd')), ['second']);
  assert.deepEqual(tree.deleted.map((d) => [d.path, d.kind]), [
    ['/keep/y', 'property'], ['/keep/x', 'property'], ['/readd', 'node'], ['/gone', 'node'], ['/later', 'node'],
  ]);
  const gone = tree.deleted.find((d) => d.path === '/gone')!;
  assert.deepEqual(gone.deletedBy, rangeOf(text, '/delete-node/ &gone;'));
  assert.deepEqual(gone.contributions.map((c) => c.nameSpan), [rangeOf(text, 'gone {')].map((r) => ({ start: r.start, end: r.start + 4 })));
  assert.equal(tree.labels.has('gone'), false);
  // the deletion sites are recorded on the parent
  assert.ok(keep.contributions.some((c) => c.kind === 'deletion' && c.start === rangeOf(text, '/delete-property/ x;').start));
});

test('a label is live again on a node deleted and added again with it; not on one added again without it', () => {
  const { tree, text } = buildFixture('delete-readd-label.dts');
  assert.deepEqual(tree.diagnostics, []);
  const foo = node(tree, '/foo');
  assert.deepEqual(propNames(foo), ['q', 'r', 'phandle']);
  assert.equal(tree.labels.get('a')?.node, foo);
  assert.deepEqual(foo.labels.map((l) => [l.name, l.start]), [['a', rangeOf(text, 'a: foo', 1).start]]);
  const ref = getProperty(tree.root, 'ref')!.chunks[0];
  assert.ok(ref.kind === 'cells');
  assert.equal(ref.cells[0].ref?.target, foo);
  assert.equal(ref.cells[0].value, BigInt(foo.phandle!));
  // `b` was written on the deleted bar only
  assert.equal(tree.labels.has('b'), false);
  assert.deepEqual(node(tree, '/bar').labels, []);
});

test('a reference to the label of a deleted node that came back without it is unresolved', () => {
  const { tree, text } = buildFromText('/virtual/readd.dts', '/dts-v1/;\n/ { b: bar { }; };\n/ { /delete-node/ bar; };\n/ { bar { }; x = <&b>; };\n');
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.start]), [['unresolved-reference', rangeOf(text, '&b').start]]);
});

test('dtc does not apply a /delete-property/ in the same fresh body as the property', () => {
  const { tree } = buildFixture('delete-fresh.dts');
  assert.deepEqual(tree.diagnostics, []);
  assert.deepEqual(propNames(node(tree, '/node')), ['foo', 'bar']);
});

test('labels on nodes, properties, values and memreserves', () => {
  const { tree, text } = buildFixture('labels.dts');
  assert.deepEqual(tree.diagnostics, []);
  const n = node(tree, '/node');
  assert.deepEqual(n.labels.map((l) => l.name), ['a', 'b']);
  assert.equal(tree.labels.get('a')?.node, n);
  assert.equal(tree.labels.get('p1')?.property?.name, 'prop');
  for (const v of ['v1', 'v2', 'v3', 'v4']) assert.equal(tree.labels.get(v)?.property?.name, 'prop', v);
  assert.equal(tree.labels.get('bl')?.property?.name, 'bytes');
  assert.deepEqual(tree.labels.get('v2')?.span.start, rangeOf(text, 'v2:').start);
  assert.equal(tree.memreserves.length, 1);
  assert.equal(tree.memreserves[0].address, 0x10000000n);
  assert.equal(tree.memreserves[0].size, 0x4000n);
  assert.deepEqual(tree.memreserves[0].labels.map((l) => l.name), ['mr']);
});

test('the same label twice on one node is allowed; every occurrence is kept', () => {
  const { tree, text } = buildFixture('labels-same-node.dts');
  assert.deepEqual(tree.diagnostics, []);
  const n = node(tree, '/node');
  assert.deepEqual(n.labels.map((l) => [l.name, l.start]), [
    ['l1', rangeOf(text, 'l1:').start], ['l1', rangeOf(text, 'l1:', 1).start], ['l2', rangeOf(text, 'l2:').start],
  ]);
});

test('duplicate-label: a label on two different nodes, or on a node and a property', () => {
  const { tree, text, file } = buildFixture('err-duplicate-label.dts');
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.file, d.start, d.end]), [
    ['duplicate-label', file, rangeOf(text, 'dup:', 1).start, rangeOf(text, 'dup:', 1).end],
    ['duplicate-label', file, rangeOf(text, 'dup:', 2).start, rangeOf(text, 'dup:', 2).end],
  ]);
  assert.match(tree.diagnostics[0].message, /Duplicate label 'dup' on \/second and \/first/);
  assert.match(tree.diagnostics[1].message, /'prop' in \/third and \/first/);
  assert.equal(tree.diagnostics[0].related?.[0].start, rangeOf(text, 'dup:').start);
});

test('duplicate-node and duplicate-property only inside one node body', () => {
  const dn = buildFixture('err-duplicate-node.dts');
  assert.deepEqual(dn.tree.diagnostics.map((d) => [d.code, d.start, d.end]), [
    ['duplicate-node', rangeOf(dn.text, 'child', 1).start, rangeOf(dn.text, 'child', 1).end],
  ]);
  assert.match(dn.tree.diagnostics[0].message, /Duplicate node name 'child'/);
  assert.equal(dn.tree.diagnostics[0].related?.[0].start, rangeOf(dn.text, 'child').start);
  // the tree still holds one node with both bodies
  assert.deepEqual(propNames(node(dn.tree, '/parent/child')), ['a', 'b']);

  const dp = buildFixture('err-duplicate-property.dts');
  assert.deepEqual(dp.tree.diagnostics.map((d) => [d.code, d.start, d.end]), [
    ['duplicate-property', rangeOf(dp.text, 'p = <3>').start, rangeOf(dp.text, 'p = <3>').start + 1],
  ]);
  // dtc keeps both entries; the tree shows one property in the first one's place, with the later value
  assert.deepEqual(propNames(node(dp.tree, '/node')), ['p', 'q']);
  assert.equal(cell0(node(dp.tree, '/node'), 'p'), 3n);
  assert.equal(node(dp.tree, '/node').properties[0].contributions.length, 2);

  // merging an &ref body (even one naming a child twice) is not a duplicate
  const across = buildFixture('duplicate-across-bodies.dts');
  assert.deepEqual(across.tree.diagnostics, []);
  const parent = node(across.tree, '/parent');
  assert.equal(cell0(parent, 'p'), 3n);
  assert.deepEqual(propNames(node(across.tree, '/parent/child')), ['a', 'b', 'c', 'd']);
});

test('unresolved references are errors at the reference', () => {
  const { tree, text, file } = buildFixture('err-unresolved.dts');
  assert.deepEqual(tree.diagnostics.map((d) => [d.code, d.file, d.start, d.end]), [
    ['unresolved-reference', file, rangeOf(text, '&missing').start, rangeOf(text, '&missing').end],
    ['unresolved-reference', file, rangeOf(text, '&{/no/such/node}').start, rangeOf(text, '&{/no/such/node}').end],
    ['unresolved-reference', file, rangeOf(text, '&nolabel').start, rangeOf(text, '&nolabel').end],
    ['delete-not-found', file, rangeOf(text, '&gone').start, rangeOf(text, '&gone').end],
  ]);
  assert.match(tree.diagnostics[0].message, /non-existent node or label "missing"/);
  assert.match(tree.diagnostics[2].message, /Label or path nolabel not found/);
  const unresolved = tree.references.filter((r) => !r.target).map((r) => r.ref.start);
  assert.deepEqual(unresolved, [rangeOf(text, '&missing').start, rangeOf(text, '&{/no/such/node}').start]);
});

test('label-relative path references (&{label/sub}) resolve as dtc 1.7 does', () => {
  const { tree } = buildFixture('dtc17-relref.dts');
  assert.deepEqual(tree.diagnostics, []);
  const leaf = node(tree, '/soc/bus/leaf');
  assert.deepEqual(propNames(leaf), ['a', 'b', 'phandle']);
  const user = node(tree, '/user');
  const ref = getProperty(user, 'ref')!.chunks[0];
  assert.ok(ref.kind === 'cells');
  assert.equal(ref.cells[0].ref?.target, leaf);
  const path = getProperty(user, 'path')!.chunks[0];
  assert.ok(path.kind === 'pathRef');
  assert.equal(path.ref.target && nodePath(path.ref.target), '/soc/bus');
});

test('go-to-definition data: all definitions of a merged node, in order', () => {
  const { tree, text } = buildFixture('contributions.dts');
  const serial = node(tree, '/serial');
  assert.deepEqual(serial.contributions.map((c) => [c.kind, c.nameSpan.start]), [
    ['definition', rangeOf(text, 'serial {').start],
    ['extension', rangeOf(text, '&uart').start],
    ['extension', rangeOf(text, 'serial {', 1).start],
  ]);
  assert.deepEqual(tree.references.map((r) => [r.ref.start, r.target]), [[rangeOf(text, '&uart').start, serial]]);
});
