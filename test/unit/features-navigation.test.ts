// Go to Consumers / Go to Supplier as node lists: one row per node with its bindings, the count the
// hover gives; the location list of dts/goToConsumers has one entry per consumer too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { getConsumerList, getConsumerLocations, getHover, getSupplierList } from '../../server/src/features';
import { analyze, at, FEATURES, range } from './features-fixture';

const NAV = path.join(FEATURES, 'nav.dts');

test('consumers of an IOMMU: one row per consumer node, named, with the binding and its count', () => {
  const a = analyze(NAV);
  const l = getConsumerList(a, NAV, at(NAV, 'smmu: iommu', 1))!;
  assert.deepEqual(l.of, { label: 'smmu', path: '/iommu@2000' });
  assert.deepEqual(l.items.map((i) => [i.label, i.name, i.bindings, i.status]), [
    ['ufs', 'ufs@3000', [['iommus', 2]], 'okay'],
    ['gpu@4000', 'gpu@4000', [['iommus', 1]], 'disabled'],
  ]);
  assert.deepEqual(l.items[0].location, range(NAV, '&smmu 0x60'));
  assert.equal(l.items[0].specifiers.length, 2);
  // the plain location list and the hover agree: 2 consumers
  assert.equal(getConsumerLocations(a, NAV, at(NAV, 'smmu: iommu', 1)).length, 2);
  assert.match(getHover(a, NAV, at(NAV, 'smmu: iommu', 1))!.markdown, /Consumers: 2/);
});

test('suppliers of a node: one row per supplier with the bindings', () => {
  const a = analyze(NAV);
  const l = getSupplierList(a, NAV, at(NAV, 'ufs: ufs@3000', 6))!;
  assert.deepEqual(l.items.map((i) => [i.label, i.bindings]), [['smmu', [['iommus', 2]]], ['clk', [['clocks', 3]]]]);
  assert.deepEqual(l.items[0].location, range(NAV, 'iommu@2000'));
  // from one specifier: its supplier only
  const one = getSupplierList(a, NAV, at(NAV, '&clk 2', 2))!;
  assert.deepEqual(one.items.map((i) => [i.label, i.bindings]), [['clk', [['clocks', 1]]]]);
});
