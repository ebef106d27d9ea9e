// Helpers of server/src/tree/query.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cellsAsU32, findNodeByPath, getCompatibles, getPropertyString, isEnabled, nodeLabelOrPath, resolveLabel, resolveReference,
} from '../../server/src/tree/query';
import { getProperty } from '../../server/src/tree/types';
import { buildFixture, rangeOf } from '../util/tree-helpers';

test('query helpers over a built tree', () => {
  const { tree, text } = buildFixture('query.dts');
  assert.deepEqual(tree.diagnostics, []);
  const iommu = findNodeByPath(tree, '/soc/iommu@1000');
  const dev = findNodeByPath(tree, '/soc/dev@2000');
  const plain = findNodeByPath(tree, '/soc/plain@3000');
  assert.ok(iommu && dev && plain);
  assert.equal(findNodeByPath(tree, '/'), tree.root);
  assert.equal(findNodeByPath(tree, '/soc/iommu'), undefined); // full names only, as dtc
  assert.equal(resolveLabel(tree, 'iommu'), iommu);
  assert.equal(resolveLabel(tree, 'plabel'), undefined); // a property label is not a node label
  assert.equal(resolveReference(tree, 'iommu'), iommu);
  assert.equal(resolveReference(tree, '/soc/dev@2000'), dev);
  assert.equal(isEnabled(iommu), true);
  assert.equal(isEnabled(dev), false);
  assert.equal(isEnabled(plain), true);
  assert.equal(isEnabled(tree.root), true);
  assert.deepEqual(getCompatibles(iommu), ['arm,smmu-v3', 'arm,smmu']);
  assert.deepEqual(getCompatibles(tree.root), []);
  assert.equal(getPropertyString(dev, 'compatible'), 'vendor,dev');
  assert.equal(getPropertyString(dev, 'alias-path'), '/soc/iommu@1000');
  assert.equal(getPropertyString(iommu, '#iommu-cells'), undefined);
  const cells = cellsAsU32(getProperty(dev, 'iommus')!);
  assert.ok(cells);
  assert.deepEqual(cells.map((c) => [c.value, c.isRef, c.target === iommu]), [[iommu.phandle, true, true], [0x10, false, false], [iommu.phandle, true, true], [0x11, false, false]]);
  assert.deepEqual({ start: cells[1].start, end: cells[1].end }, rangeOf(text, '0x10'));
  assert.equal(cellsAsU32(getProperty(dev, 'compatible')!), undefined);
  assert.equal(nodeLabelOrPath(iommu), '&iommu');
  assert.equal(nodeLabelOrPath(dev), '/soc/dev@2000');
});
