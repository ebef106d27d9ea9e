import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getConsumerLocations, getReferences, getSupplierLocations } from '../../server/src/features';
import { analyze, at, BOARD, range, SOC } from './features-fixture';

const SPEC_UART = '&apps_smmu 0x100 0x0';
const SPEC_GPU0 = '&apps_smmu DEMO_SID(0x8, 0x0) DEMO_SMR_MASK';
const SPEC_GPU1 = '&apps_smmu 0x801 0x400';

test('references of a node: consumer specifiers and other references; with the declaration', () => {
  const a = analyze();
  const off = at(SOC, 'apps_smmu: iommu', 2);
  assert.deepEqual(getReferences(a, SOC, off, false), [range(SOC, SPEC_UART), range(SOC, SPEC_GPU0), range(SOC, SPEC_GPU1)]);
  const withDecl = getReferences(a, SOC, off, true);
  assert.equal(withDecl.length, 5);
  assert.deepEqual(withDecl[1], range(SOC, 'iommu@15000000'));
  assert.deepEqual(withDecl[0], range(SOC, 'apps_smmu: iommu', 'apps_smmu'));
  // uart0: a path value (stdout-path) and the &uart0 { } extension are plain references
  assert.deepEqual(getReferences(a, BOARD, at(BOARD, '&uart0;', 1), false), [range(BOARD, '&uart0;', '&uart0'), range(BOARD, '&uart0 {', '&uart0')]);
});

test('consumer locations of a provider are its specifier ranges', () => {
  const a = analyze();
  assert.deepEqual(getConsumerLocations(a, SOC, at(SOC, 'gcc: clock', 1)), [
    range(SOC, '&gcc DEMO_CLK_SMMU'),
    range(SOC, '&gcc DEMO_CLK_UART0'),
    range(SOC, '&gcc DEMO_CLK_GPU'),
  ]);
  assert.deepEqual(getConsumerLocations(a, SOC, at(SOC, 'xo-clk', 1)), [range(SOC, '<&xo>', '&xo')]);
});

test('supplier locations from a specifier, a consumer property and a node', () => {
  const a = analyze();
  assert.deepEqual(getSupplierLocations(a, SOC, at(SOC, '0x801', 1)), [range(SOC, 'iommu@15000000')]);
  assert.deepEqual(getSupplierLocations(a, SOC, at(SOC, '&gcc DEMO_CLK_GPU', 2)), [range(SOC, 'clock-controller@100000')]);
  assert.deepEqual(getSupplierLocations(a, SOC, at(SOC, 'iommus = <&apps_smmu DEMO', 2)), [range(SOC, 'iommu@15000000')]);
  assert.deepEqual(getSupplierLocations(a, SOC, at(SOC, 'gpu@3d00000', 1)), [range(SOC, 'clock-controller@100000'), range(SOC, 'iommu@15000000')]);
  assert.deepEqual(getSupplierLocations(a, SOC, at(SOC, 'compatible = "demo,gpu"', 1)), []);
});
