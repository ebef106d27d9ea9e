// The layered layout of the supplier graph (server/src/features/graph-layout.ts): suppliers above
// consumers, no overlapping boxes, a drawing that keeps a readable aspect ratio (a star of 28
// consumers or a 300-node SoC graph is a block, not a line), cycles laid out without looping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layeredLayout, neighbourhood, type LayoutEdge, type LayoutNode } from '../../server/src/features/graph-layout';

function boxes(nodes: LayoutNode[], r: ReturnType<typeof layeredLayout>) {
  return nodes.map((v) => {
    const p = r.positions.get(v.id)!;
    return { id: v.id, x1: p.x - v.width / 2, x2: p.x + v.width / 2, y1: p.y - v.height / 2, y2: p.y + v.height / 2 };
  });
}

function overlaps(nodes: LayoutNode[], r: ReturnType<typeof layeredLayout>): number {
  const b = boxes(nodes, r);
  let k = 0;
  for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) {
    if (b[i].x1 < b[j].x2 && b[j].x1 < b[i].x2 && b[i].y1 < b[j].y2 && b[j].y1 < b[i].y2) k++;
  }
  return k;
}

const node = (id: string): LayoutNode => ({ id, width: 40 + 7 * id.length, height: 28 });

test('a star (an IOMMU and 28 consumers, below their GIC): layered, wrapped into a block, no overlaps', () => {
  const nodes = [node('intc'), node('apps_smmu'), ...Array.from({ length: 28 }, (_, i) => node(`consumer_device_${i}`))];
  const edges: LayoutEdge[] = [{ from: 'apps_smmu', to: 'intc' }];
  for (let i = 0; i < 28; i++) edges.push({ from: `consumer_device_${i}`, to: 'apps_smmu' }, { from: `consumer_device_${i}`, to: 'intc' });
  const r = layeredLayout(nodes, edges);
  assert.equal(overlaps(nodes, r), 0);
  for (const e of edges) assert.ok(r.positions.get(e.to)!.y < r.positions.get(e.from)!.y, `${e.to} above ${e.from}`);
  const aspect = r.width / r.height;
  assert.ok(aspect > 0.6 && aspect < 3.5, `aspect ${aspect}`);
  assert.equal(r.layers, 3);
  assert.ok(r.rows >= 5, `the 28 consumers wrap (${r.rows} rows)`);
});

test('300 nodes, 760 edges in a SoC-like shape: readable aspect, no overlaps, every edge downwards', () => {
  const nodes: LayoutNode[] = [node('xo'), node('gcc'), node('rpmhpd'), node('intc'), node('apps_smmu')];
  const edges: LayoutEdge[] = [{ from: 'gcc', to: 'xo' }, { from: 'gcc', to: 'rpmhpd' }, { from: 'apps_smmu', to: 'gcc' }];
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 295; i++) {
    const id = `dev${i}@${(0x1000 * i).toString(16)}`;
    nodes.push(node(id));
    edges.push({ from: id, to: 'intc' }, { from: id, to: 'gcc' });
    if (rnd() < 0.3) edges.push({ from: id, to: 'apps_smmu' });
    if (rnd() < 0.2 && i > 5) edges.push({ from: id, to: `dev${Math.floor(rnd() * (i - 1))}@${(0x1000 * Math.floor(rnd() * (i - 1))).toString(16)}` });
  }
  const r = layeredLayout(nodes, edges);
  assert.equal(overlaps(nodes, r), 0);
  const aspect = r.width / r.height;
  assert.ok(aspect > 0.8 && aspect < 3, `aspect ${aspect} (${r.width} x ${r.height})`);
  for (const e of edges) if (r.positions.has(e.to)) assert.ok(r.positions.get(e.to)!.y < r.positions.get(e.from)!.y);
});

test('a cycle is laid out (one back edge left out of the layering); empty and single graphs', () => {
  const nodes = [node('a'), node('b'), node('c')];
  const r = layeredLayout(nodes, [{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }]);
  assert.equal(r.positions.size, 3);
  assert.equal(overlaps(nodes, r), 0);
  assert.equal(layeredLayout([], []).positions.size, 0);
  assert.equal(layeredLayout([node('x')], []).layers, 1);
});

test('neighbourhood: N hops up the suppliers and down the consumers, not sideways', () => {
  const edges = [
    { from: 'smmu', to: 'gcc' }, { from: 'gcc', to: 'xo' },
    { from: 'ufs', to: 'smmu' }, { from: 'ufs', to: 'phy' }, { from: 'sub', to: 'ufs' },
  ];
  assert.deepEqual([...neighbourhood({ edges }, 'smmu', 1)].sort(), ['gcc', 'smmu', 'ufs']);
  assert.deepEqual([...neighbourhood({ edges }, 'smmu', 2)].sort(), ['gcc', 'smmu', 'sub', 'ufs', 'xo']);
});
