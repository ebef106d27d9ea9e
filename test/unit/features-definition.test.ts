import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDefinition } from '../../server/src/features';
import * as path from 'node:path';
import { analyze, at, BOARD, FEATURES, GCC_H, range, SID_H, SOC } from './features-fixture';

test('definition of &label: every contributing site of the merged node; from an override, its definition', () => {
  const a = analyze();
  // F12 on the `&uart0` of `&uart0 { … }` goes to the definition, not to itself
  assert.deepEqual(getDefinition(a, BOARD, at(BOARD, '&uart0 {', 2)), [range(SOC, 'serial@a00000')]);
  assert.deepEqual(getDefinition(a, BOARD, at(BOARD, '&{/soc@0/gpu@3d00000}', 5)), [range(SOC, 'gpu@3d00000')]);
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

test('definition lists definitions and extensions, never /delete-property/ or /delete-node/ sites', () => {
  const file = path.join(FEATURES, 'delete-sites.dts');
  const a = analyze(file);
  assert.deepEqual(a.diagnostics, []);
  // the node: its definition and the two &dev extensions (the second and the path-less `/ { dev@1000 {` body too)
  assert.deepEqual(getDefinition(a, file, at(file, '&dev>', 2)), [
    range(file, 'dev@1000 {', 'dev@1000'), range(file, '&dev {', '&dev'), range(file, '&dev {\n\tmode', '&dev'), range(file, '\tdev@1000 {\n\t\t/delete', 'dev@1000'),
  ]);
  // a property deleted and set again: the two definitions, not the deletion
  assert.deepEqual(getDefinition(a, file, at(file, 'mode = <2>', 1)), [range(file, 'mode = <1>', 'mode'), range(file, 'mode = <2>', 'mode')]);
  // a child deleted and added again
  assert.deepEqual(getDefinition(a, file, at(file, 'child { };\n};\n\n/', 1)), [range(file, 'child { };\n\t};', 'child'), range(file, 'child { };\n};\n\n/', 'child')]);
  // no site of any answer is a deletion directive
  for (const needle of ['&dev>', 'mode = <2>', 'reg = <0x1000']) {
    for (const r of getDefinition(a, file, at(file, needle, 1))) {
      assert.doesNotMatch(a.fileText(file)!.slice(r.start - 20, r.end), /\/delete-(property|node)\/ *\S*$/, needle);
    }
  }
});
