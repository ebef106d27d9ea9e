import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getSupplierGraphView } from '../../server/src/features';
import * as path from 'node:path';
import { analyze, BAD, range, SOC } from './features-fixture';

const EXAMPLE = path.resolve(__dirname, '../../../examples/board.dts');

test('graph view: the whole context with the focus node marked, kinds, bindings and locations', () => {
  const a = analyze();
  const g = getSupplierGraphView(a, 'apps_smmu');
  assert.equal(g.focus, '/soc@0/iommu@15000000');
  assert.deepEqual(g.nodes.map((n) => [n.id, n.label, n.name, n.kind, n.status, n.hazards]), [
    ['/soc@0/iommu@15000000', 'apps_smmu', 'iommu@15000000', 'iommu', 'okay', []],
    ['/soc@0/clock-controller@100000', 'gcc', 'clock-controller@100000', 'provider', 'okay', []],
    ['/xo-clk', 'xo', 'xo-clk', 'provider', 'okay', []],
    ['/soc@0/serial@a00000', 'uart0', 'serial@a00000', 'device', 'okay', []],
    ['/soc@0/gpu@3d00000', 'gpu', 'gpu@3d00000', 'device', 'okay', []],
  ]);
  assert.deepEqual(g.nodes[0].location, range(SOC, 'iommu@15000000'));
  const smmuEdges = g.edges.filter((e) => e.from === g.focus || e.to === g.focus).map((e) => [e.from, e.to, e.binding, e.optional]);
  assert.deepEqual(smmuEdges, [
    ['/soc@0/iommu@15000000', '/soc@0/clock-controller@100000', 'clocks', false],
    ['/soc@0/serial@a00000', '/soc@0/iommu@15000000', 'iommus', true],
    ['/soc@0/gpu@3d00000', '/soc@0/iommu@15000000', 'iommus', true],
  ]);
  assert.deepEqual(g.edges.find((e) => e.binding === 'iommus')!.location, range(SOC, '&apps_smmu 0x100 0x0'));
  assert.deepEqual(g.bindings.map((b) => b.binding), ['clocks', 'iommus']);
  assert.deepEqual(getSupplierGraphView(a, '/no/such').focus, undefined);
});

test('graph view: hazards from the checks on edges and nodes (an enabled GPU behind a disabled SMMU DMAs untranslated)', () => {
  const g = getSupplierGraphView(analyze(EXAMPLE));
  const untranslated = g.edges.filter((e) => e.hazards.includes('untranslated'));
  assert.ok(untranslated.length >= 1, JSON.stringify(g.edges.map((e) => [e.from, e.binding, e.hazards])));
  for (const e of untranslated) {
    assert.equal(e.binding, 'iommus');
    assert.ok(g.nodes.find((n) => n.id === e.from)!.hazards.includes('untranslated'));
    assert.equal(g.nodes.find((n) => n.id === e.to)!.status, 'disabled');
  }
  assert.deepEqual(untranslated.map((e) => [e.from, e.to]), [['/soc@0/gpu@3d00000', '/soc@0/iommu@3da0000']]);
  assert.ok(g.edges.some((e) => e.hazards.includes('cells')), 'the cell-count mismatch is on its edge');
  const cycle = g.edges.filter((e) => e.hazards.includes('cycle')).map((e) => e.binding).sort();
  assert.deepEqual(cycle, ['clocks', 'power-domains']);
  assert.ok(g.nodes.find((n) => n.label === 'gcc')!.hazards.includes('cycle'));
  assert.ok(getSupplierGraphView(analyze(BAD)).edges.some((e) => e.hazards.includes('cells')));
});
