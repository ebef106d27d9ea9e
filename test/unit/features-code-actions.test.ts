import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getCodeActions } from '../../server/src/features';
import * as path from 'node:path';
import { analyze, at, BAD, FEATURES, range } from './features-fixture';

function actionsFor(code: string) {
  const a = analyze(BAD);
  const ds = a.diagnostics.filter((d) => d.code === code && d.file === BAD);
  return ds.flatMap((d) => getCodeActions(a, BAD, d.start, d.end, [d]));
}

test('quick fix: #iommu-cells set to the single value the model allows', () => {
  const acts = actionsFor('iommu-cells-model');
  assert.equal(acts.length, 1);
  assert.equal(acts[0].title, 'Set #iommu-cells to 1 (arm-smmu-v3)');
  assert.deepEqual(acts[0].edits, [{ ...range(BAD, '#iommu-cells = <2>', '2'), newText: '1' }]);
});

test('quick fix: drop the trailing extra cell of an iommus specifier', () => {
  const acts = actionsFor('iommu-cells-mismatch');
  assert.equal(acts.length, 1);
  assert.equal(acts[0].title, 'Remove the extra cell: &smmu3b expects 1 (stream ID)');
  assert.deepEqual(acts[0].edits, [{ file: BAD, start: at(BAD, '0x40 0x0', 4), end: at(BAD, '0x40 0x0', 8), newText: '' }]);
});

test('quick fix: add the missing #xxx-cells when only one value is possible', () => {
  const acts = actionsFor('missing-cells-property');
  assert.deepEqual(acts.map((x) => x.title), ['Add #iommu-cells = <1> to dart', 'Add #power-domain-cells = <1> to pd']);
  const dartReg = at(BAD, 'reg = <0x2c000000 0x4000>;', 26);
  assert.deepEqual(acts[0].edits, [{ file: BAD, start: dartReg, end: dartReg, newText: '\n\t\t#iommu-cells = <1>;' }]);
  const pdReg = at(BAD, 'reg = <0x2d000000 0x1000>;', 26);
  assert.deepEqual(acts[1].edits, [{ file: BAD, start: pdReg, end: pdReg, newText: '\n\t\t#power-domain-cells = <1>;' }]);
});

test('no quick fix outside the requested range or for other codes', () => {
  const a = analyze(BAD);
  assert.deepEqual(getCodeActions(a, BAD, 0, 1, a.diagnostics), []);
  assert.deepEqual(getCodeActions(a, BAD, 0, 100000, [{ file: BAD, start: 0, end: 1, severity: 'error', code: 'syntax-error', message: 'x' }]), []);
});

test('quick fix: trim after a macro-written cell, pad a short specifier with 0, never split a macro', () => {
  const file = path.join(FEATURES, 'cells-fix.dts');
  const a = analyze(file);
  const ds = a.diagnostics.filter((d) => d.code === 'iommu-cells-mismatch').sort((x, y) => x.start - y.start);
  assert.equal(ds.length, 3, JSON.stringify(ds.map((d) => d.message)));
  const acts = ds.map((d) => getCodeActions(a, file, d.start, d.end, [d]));
  assert.equal(acts[0].length, 1);
  assert.equal(acts[0][0].title, 'Remove the extra cell: &smmu1 expects 1 (stream ID)');
  assert.deepEqual(acts[0][0].edits, [{ file, start: at(file, 'GPU_SID 0x1', 7), end: at(file, 'GPU_SID 0x1', 11), newText: '' }]);
  assert.equal(acts[1].length, 1);
  assert.equal(acts[1][0].title, 'Add a 0 cell: &smmu expects 2 (stream ID, SMR mask)');
  assert.deepEqual(acts[1][0].edits, [{ file, start: at(file, '&smmu 0x60', 10), end: at(file, '&smmu 0x60', 10), newText: ' 0' }]);
  assert.deepEqual(acts[2], [], 'TWO gives both cells: not split');
});
