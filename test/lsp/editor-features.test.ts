// Over stdio: inlay hints, code lenses, document highlight, selection ranges and the node lists of
// Go to Consumers / Go to Supplier (dts/consumerList, dts/supplierList).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens, DocumentHighlight, InlayHint, SelectionRange } from 'vscode-languageserver-protocol';
import { LspClient, fixture, positionOf, uriOf } from './lsp-client';

const BOARD_A = fixture('board-a.dts');
const SOC = fixture('soc.dtsi');

test('inlay hints, consumer lenses, highlights, selection ranges, consumer and supplier lists', async () => {
  const c = new LspClient();
  try {
    const init = await c.initialize();
    const caps = init.capabilities;
    assert.ok(caps.inlayHintProvider && caps.codeLensProvider && caps.documentHighlightProvider && caps.selectionRangeProvider);
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A, (d) => d.length > 0);
    await c.open(SOC);
    await c.waitForDiagnostics(SOC);
    const doc = { uri: uriOf(SOC) };

    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: doc });
    const smmu = lenses.find((l) => l.range.start.line === positionOf(SOC, 'iommu@15000000').line);
    assert.ok(smmu, JSON.stringify(lenses));
    assert.equal(smmu.command?.title, '2 consumers (iommus)');
    assert.equal(smmu.command?.command, 'dts.showConsumersAt');

    const hints = await c.request<InlayHint[]>('textDocument/inlayHint', { textDocument: { uri: uriOf(BOARD_A) }, range: { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } } });
    assert.deepEqual(hints.map((h) => [h.position, h.label]), []); // GPU_SID is a macro; 0x1 is a stray cell, not a named one

    const hl = await c.request<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: doc, position: positionOf(SOC, '&smmu DMA_SID', 2) });
    assert.ok(hl.length >= 2 && hl.some((h) => h.kind === 3 /* write */) && hl.some((h) => h.kind === 2 /* read */), JSON.stringify(hl));

    const sel = await c.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: doc, positions: [positionOf(SOC, 'DMA_SID', 1)] });
    let depth = 0;
    for (let r: SelectionRange | undefined = sel[0]; r; r = r.parent) depth++;
    assert.ok(depth >= 6, `selection chain of ${depth}`);

    const consumers = await c.request<{ of: { label: string }; items: { label: string; bindings: [string, number][] }[] }>('dts/consumerList', { textDocument: doc, position: positionOf(SOC, 'smmu: iommu', 1) });
    assert.equal(consumers.of.label, 'smmu');
    assert.deepEqual(consumers.items.map((i) => [i.label, i.bindings]).sort(), [['dma', [['iommus', 1]]], ['gpu', [['iommus', 1]]]]);
    const suppliers = await c.request<{ items: { label: string }[] }>('dts/supplierList', { textDocument: doc, position: positionOf(SOC, 'dma: dma', 1) });
    assert.ok(suppliers.items.some((i) => i.label === 'smmu'));
  } finally {
    await c.shutdown();
  }
});

test('a .dtsi outside the indexed folders opened before its board gets the board once the board is analysed', async () => {
  const c = new LspClient();
  try {
    await c.initialize();
    const dtsi = fixture('../../../examples/acme-s100.dtsi');
    const board = fixture('../../../examples/board.dts');
    await c.open(dtsi);
    const first = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(dtsi));
    assert.equal(first.reason, 'lone');
    const statusP = c.waitForNotification('dts/contextStatus', (p) => p.root === board && p.errors >= 1);
    await c.open(board);
    const then = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(dtsi) && p.root === board);
    assert.ok(['open-board', 'nearest-board'].includes(then.reason), then.reason);
    // its diagnostics are now the board's view of it (the gpu behind the disabled SMMU)
    const d = await c.waitForDiagnostics(dtsi, (x) => x.some((y) => y.code === 'supplier-disabled'));
    assert.ok(d.length > 0);
    const status = await statusP;
    assert.ok(status.files >= 2, JSON.stringify(status));
  } finally {
    await c.shutdown();
  }
});
