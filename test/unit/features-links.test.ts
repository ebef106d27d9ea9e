import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDocumentLinks } from '../../server/src/features';
import { analyze, BOARD, GCC_H, range, SID_H, SOC } from './features-fixture';

test('document links: one per resolved include directive of the file', () => {
  const a = analyze();
  assert.deepEqual(getDocumentLinks(a, SOC), [
    { range: range(SOC, 'dt-bindings/clock/demo-gcc.h'), target: GCC_H },
    { range: range(SOC, 'demo-sid.h'), target: SID_H },
  ]);
  assert.deepEqual(getDocumentLinks(a, BOARD), [{ range: range(BOARD, 'demo-soc.dtsi'), target: SOC }]);
});
