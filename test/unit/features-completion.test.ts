import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getCompletions } from '../../server/src/features';
import { analyze, at, BAD, BOARD, text } from './features-fixture';

/** Completions with `typed` inserted at the offset of needle (+delta) in the board. */
function complete(file: string, needle: string, delta: number, typed: string) {
  const a = analyze(file === BAD ? BAD : BOARD);
  const t = text(file);
  const off = at(file, needle, delta);
  const nt = t.slice(0, off) + typed + t.slice(off);
  return getCompletions(a, file, off + typed.length, nt);
}

test('completion of labels after &', () => {
  const r = complete(BOARD, 'stdout-path = ', 14, '&ap');
  assert.deepEqual(r.map((c) => [c.label, c.kind, c.detail]), [['apps_smmu', 'label', '/soc@0/iommu@15000000']]);
  assert.equal(r[0].documentation, 'compatible: qcom,sm8550-smmu-500');
  const all = complete(BOARD, 'stdout-path = ', 14, '&').map((c) => c.label);
  assert.deepEqual(all, ['apps_smmu', 'gcc', 'gpu', 'soc', 'uart0', 'xo']);
});

test('completion of node paths inside &{', () => {
  const r = complete(BOARD, 'stdout-path = ', 14, '&{/soc@0/g');
  assert.deepEqual(r.map((c) => c.label), ['/soc@0/gpu@3d00000']);
  assert.equal(r[0].range?.start, at(BOARD, 'stdout-path = ', 14) + 2);
});

test('completion of status and compatible values', () => {
  const s = complete(BOARD, 'status = "okay"', 11, '');
  assert.deepEqual(s.map((c) => c.label), ['okay']);
  assert.deepEqual(s[0].range, { file: BOARD, start: at(BOARD, 'status = "okay"', 10), end: at(BOARD, 'status = "okay"', 11) });
  const all = complete(BOARD, 'status = "okay"', 10, '').map((c) => c.label);
  assert.deepEqual(all, ['okay', 'disabled', 'reserved', 'fail', 'fail-sss']);
  const c = complete(BOARD, 'status = "okay";', 16, '\n\tcompatible = "arm,smmu-v');
  assert.deepEqual(c.map((x) => [x.label, x.detail]), [['arm,smmu-v1', 'IOMMU (arm-smmu)'], ['arm,smmu-v2', 'IOMMU (arm-smmu)'], ['arm,smmu-v3', 'IOMMU (arm-smmu-v3)']]);
});

test('completion of property names, with #iommu-cells from the IOMMU model', () => {
  const r = complete(BAD, 'reg = <0x2c000000 0x4000>;', 26, '\n\t\t#io');
  assert.deepEqual(r[0], {
    label: '#iommu-cells',
    kind: 'property',
    detail: 'apple-dart: 1',
    insertText: '#iommu-cells = <1>;',
    documentation: r[0].documentation,
    range: { file: BAD, start: at(BAD, 'reg = <0x2c000000 0x4000>;', 29), end: at(BAD, 'reg = <0x2c000000 0x4000>;', 29) + 3 },
  });
  const p = complete(BOARD, 'status = "okay";', 16, '\n\tclock-n');
  assert.deepEqual(p.map((c) => c.label), ['clock-names']);
});

test('completion of macros in cell lists and of include paths', () => {
  const m = complete(BOARD, 'dma-coherent;', 13, '\n\tclocks = <&gcc DEMO_CLK_G');
  assert.deepEqual(m.map((c) => [c.label, c.kind]), [['DEMO_CLK_GPU', 'macro']]);
  const i = complete(BOARD, '#include "demo-soc.dtsi"', 24, '\n#include <dt-bindings/');
  assert.deepEqual(i.map((c) => [c.label, c.kind]), [['clock/', 'folder']]);
  const q = complete(BOARD, '#include "demo-soc.dtsi"', 24, '\n#include "demo-s');
  assert.deepEqual(q.map((c) => [c.label, c.kind]), [['demo-sid.h', 'file'], ['demo-soc.dtsi', 'file']]);
});
