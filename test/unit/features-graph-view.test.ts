import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getSupplierGraphView } from '../../server/src/features';
import { analyze, range, SOC } from './features-fixture';

test('graph view of one node: its suppliers and consumers', () => {
  const a = analyze();
  const g = getSupplierGraphView(a, 'apps_smmu');
  assert.deepEqual(g.nodes.map((n) => [n.id, n.label, n.kind, n.status]), [
    ['/soc@0/iommu@15000000', 'apps_smmu', 'focus', 'okay'],
    ['/soc@0/clock-controller@100000', 'gcc', 'provider', 'okay'],
    ['/soc@0/serial@a00000', 'uart0', 'device', 'okay'],
    ['/soc@0/gpu@3d00000', 'gpu', 'device', 'okay'],
  ]);
  assert.deepEqual(g.nodes[0].location, range(SOC, 'iommu@15000000'));
  assert.deepEqual(g.edges, [
    { from: '/soc@0/iommu@15000000', to: '/soc@0/clock-controller@100000', binding: 'clocks', optional: false },
    { from: '/soc@0/serial@a00000', to: '/soc@0/iommu@15000000', binding: 'iommus', optional: true },
    { from: '/soc@0/gpu@3d00000', to: '/soc@0/iommu@15000000', binding: 'iommus', optional: true },
  ]);
  assert.deepEqual(getSupplierGraphView(a, '/no/such'), { nodes: [], edges: [] });
});

test('graph view of the whole context', () => {
  const a = analyze();
  const g = getSupplierGraphView(a);
  assert.deepEqual(g.nodes.map((n) => [n.label, n.kind]).sort(), [['apps_smmu', 'iommu'], ['gcc', 'provider'], ['gpu', 'device'], ['uart0', 'device'], ['xo', 'provider']]);
  assert.equal(g.edges.length, 6);
});
