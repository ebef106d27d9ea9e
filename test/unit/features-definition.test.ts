import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDefinition } from '../../server/src/features';
import { analyze, at, BOARD, GCC_H, range, SID_H, SOC } from './features-fixture';

test('definition of &label: every contributing site of the merged node', () => {
  const a = analyze();
  assert.deepEqual(getDefinition(a, BOARD, at(BOARD, '&uart0 {', 2)), [range(SOC, 'serial@a00000'), range(BOARD, '&uart0 {', '&uart0')]);
  assert.deepEqual(getDefinition(a, BOARD, at(BOARD, '&uart0;', 3)), [range(SOC, 'serial@a00000'), range(BOARD, '&uart0 {', '&uart0')]);
  assert.deepEqual(getDefinition(a, SOC, at(SOC, '&apps_smmu 0x100', 3)), [range(SOC, 'iommu@15000000')]);
  // gpu: defined in the SoC, extended by a path reference in the board
  assert.deepEqual(getDefinition(a, SOC, at(SOC, 'gpu: gpu', 1)), [range(SOC, 'gpu@3d00000'), range(BOARD, '&{/soc@0/gpu@3d00000}')]);
});

test('definition of an include directive is the included file', () => {
  const a = analyze();
  assert.deepEqual(getDefinition(a, BOARD, at(BOARD, 'demo-soc.dtsi', 1)), [{ file: SOC, start: 0, end: 0 }]);
  assert.deepEqual(getDefinition(a, SOC, at(SOC, 'dt-bindings/clock', 4)), [{ file: GCC_H, start: 0, end: 0 }]);
});

test('definition of a macro use is its #define', () => {
  const a = analyze();
  const d = getDefinition(a, SOC, at(SOC, 'DEMO_CLK_SMMU', 5));
  assert.equal(d.length, 1);
  assert.equal(d[0].file, GCC_H);
  assert.ok(d[0].start <= at(GCC_H, 'DEMO_CLK_SMMU') && at(GCC_H, 'DEMO_CLK_SMMU') < d[0].end + 1, JSON.stringify(d));
  const s = getDefinition(a, SOC, at(SOC, 'DEMO_SMR_MASK', 1));
  assert.equal(s[0].file, SID_H);
});

test('definition of a property name lists every statement that set it', () => {
  const a = analyze();
  assert.deepEqual(getDefinition(a, BOARD, at(BOARD, 'status = "okay"', 1)), [
    range(SOC, 'status = "disabled"', 'status'),
    range(BOARD, 'status = "okay"', 'status'),
  ]);
  assert.deepEqual(getDefinition(a, BOARD, 0), []);
});
