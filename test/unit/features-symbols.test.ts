import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getDocumentSymbols, getWorkspaceSymbols, type DocSymbol } from '../../server/src/features';
import { analyze, at, BOARD, range, SOC } from './features-fixture';

function outline(s: DocSymbol[]): unknown[] {
  return s.map((x) => (x.children.length ? [x.kind, x.name, outline(x.children)] : [x.kind, x.name]));
}

test('document symbols: the nodes and properties written in the file, nested', () => {
  const a = analyze();
  const syms = getDocumentSymbols(a, BOARD);
  assert.deepEqual(outline(syms), [
    ['root', '/', [['property', 'model'], ['property', 'compatible'], ['node', 'chosen', [['property', 'stdout-path']]]]],
    ['reference', '&uart0', [['property', 'status']]],
    ['reference', '&{/soc@0/gpu@3d00000}', [['property', 'dma-coherent']]],
  ]);
  const chosen = syms[0].children[2];
  assert.deepEqual(chosen.selectionRange, range(BOARD, 'chosen'));
  assert.equal(chosen.range.start, at(BOARD, 'chosen'));
  assert.equal(chosen.range.end, at(BOARD, '};', 2));
  assert.equal(syms[1].detail, '/soc@0/serial@a00000');
  assert.equal(syms[0].children[0].detail, '"Demo board"');

  const soc = getDocumentSymbols(a, SOC);
  const socNode = soc[0].children.find((s) => s.name === 'soc@0')!;
  assert.equal(socNode.detail, 'soc');
  assert.deepEqual(socNode.children.filter((c) => c.kind === 'node').map((c) => c.name), ['clock-controller@100000', 'iommu@15000000', 'serial@a00000', 'gpu@3d00000']);
});

test('workspace symbols: labels and node paths matching the query', () => {
  const a = analyze();
  const r = getWorkspaceSymbols([a, a], 'smmu');
  assert.deepEqual(r.map((s) => [s.kind, s.name, s.container]), [['label', 'apps_smmu', '/soc@0/iommu@15000000']]);
  assert.deepEqual(r[0].location, range(SOC, 'apps_smmu'));
  const p = getWorkspaceSymbols([a], 'serial');
  assert.deepEqual(p.map((s) => [s.kind, s.name, s.container]), [['node', '/soc@0/serial@a00000', '/soc@0']]);
  assert.deepEqual(p[0].location, range(SOC, 'serial@a00000'));
});
