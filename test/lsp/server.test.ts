// The language server over stdio (bin/dts-lsp --stdio) with a real JSON-RPC client,
// on the fixture boards of test/fixtures/lsp:
//   board-a.dts  includes soc.dtsi; its gpu has `iommus = <&smmu GPU_SID 0x1>` (one cell too many)
//   board-b.dts  includes soc.dtsi; disables the smmu
//   soc.dtsi     smmu (#iommu-cells = <1>) and a dma consumer
//   lone.dtsi    included by no board;  addon.dtso  an overlay
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { Diagnostic, Hover, Location } from 'vscode-languageserver-protocol';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LspClient, REPO, fixture, positionOf, uriOf } from './lsp-client';

const BOARD_A = fixture('board-a.dts');
const BOARD_B = fixture('board-b.dts');
const SOC = fixture('soc.dtsi');
const LONE = fixture('lone.dtsi');
const ADDON = fixture('addon.dtso');

/** The exact range of `needle` (or `length` characters of it) in a fixture file. */
function rangeOf(file: string, needle: string, shift = 0, length = needle.length - shift) {
  const start = positionOf(file, needle, shift);
  return { start, end: { line: start.line, character: start.character + length } };
}

async function withServer(fn: (c: LspClient) => Promise<void>, settings: unknown = {}): Promise<void> {
  const c = new LspClient();
  c.settings = settings;
  try {
    await c.initialize();
    await fn(c);
  } finally {
    await c.shutdown();
  }
}

test('capabilities and first diagnostics of a board (exact range and code)', async (t) => {
  await withServer(async (c) => {
    const caps = c.initializeResult!.capabilities;
    assert.equal((caps.textDocumentSync as { change: number }).change, 2); // incremental
    for (const k of ['hoverProvider', 'definitionProvider', 'referencesProvider', 'callHierarchyProvider', 'documentSymbolProvider',
      'workspaceSymbolProvider', 'foldingRangeProvider', 'completionProvider', 'documentLinkProvider', 'codeActionProvider'] as const) {
      assert.ok(caps[k], k);
    }
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.ok(caps.semanticTokensProvider?.legend.tokenTypes.includes('property'));

    const t0 = Date.now();
    await c.open(BOARD_A);
    const diags = await c.waitForDiagnostics(BOARD_A, (d) => d.length > 0);
    t.diagnostic(`first diagnostics for board-a.dts: ${Date.now() - t0} ms after didOpen`);
    assert.equal(diags.length, 1, JSON.stringify(diags));
    const d = diags[0];
    assert.equal(d.code, 'iommu-cells-mismatch');
    assert.equal(d.severity, 1);
    assert.equal(d.source, 'devicetree');
    assert.deepEqual(d.range, rangeOf(BOARD_A, '<&smmu GPU_SID 0x1>'));
    assert.match(d.message, /^&smmu expects 1 cell, got 2\b/);
    // the code links to its section of docs/codes.md (VS Code opens a file: URI at its #L line)
    const href = d.codeDescription?.href ?? '';
    assert.match(href, /^file:\/\/.*\/docs\/codes\.md#L\d+$/);
    const docLine = fs.readFileSync(fileURLToPath(href.replace(/#.*/, '')), 'utf8').split('\n')[Number(/#L(\d+)$/.exec(href)![1]) - 1];
    assert.equal(docLine, '### iommu-cells-mismatch');
    // the provider's #iommu-cells as related information
    assert.deepEqual(d.relatedInformation?.map((r) => [r.location.uri, r.location.range]), [[uriOf(SOC), rangeOf(SOC, '#iommu-cells = <1>;')]]);
    assert.equal(c.diagnostics.get(uriOf(BOARD_A))!.version, 1);
    // the watcher registration for files changed on disk
    assert.match(JSON.stringify(c.registrations), /\*\*\/\*\.\{dts,dtsi,dtso,overlay,keymap,h\}/);
  });
});

test('hover, definition, supplier and consumer locations', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A);
    const onSmmu = { textDocument: { uri: uriOf(BOARD_A) }, position: positionOf(BOARD_A, '&smmu', 2) };

    const hover = await c.request<Hover | null>('textDocument/hover', onSmmu);
    assert.ok(hover);
    const md = (hover.contents as { kind: string; value: string });
    assert.equal(md.kind, 'markdown');
    assert.match(md.value, /iommu@15000000/);
    assert.match(md.value, /#iommu-cells/);

    const defs = await c.request<Location[]>('textDocument/definition', onSmmu);
    assert.ok(defs.length >= 1);
    assert.equal(defs[0].uri, uriOf(SOC));
    assert.equal(defs[0].range.start.line, positionOf(SOC, 'smmu: iommu@15000000').line);

    const suppliers = await c.request<Location[]>('dts/goToSupplier', onSmmu);
    assert.equal(suppliers.length, 1);
    assert.equal(suppliers[0].uri, uriOf(SOC));
    assert.equal(suppliers[0].range.start.line, positionOf(SOC, 'smmu: iommu@15000000').line);

    // consumers of the smmu: the gpu in board-a.dts and the dma in soc.dtsi
    const consumers = await c.request<Location[]>('dts/goToConsumers', onSmmu);
    const where = consumers.map((l) => `${l.uri.slice(l.uri.lastIndexOf('/') + 1)}:${l.range.start.line}`).sort();
    assert.deepEqual(where, [`board-a.dts:${positionOf(BOARD_A, '&smmu GPU_SID').line}`, `soc.dtsi:${positionOf(SOC, '&smmu DMA_SID').line}`]);

    const refs = await c.request<Location[]>('textDocument/references', { ...onSmmu, context: { includeDeclaration: false } });
    assert.ok(refs.some((l) => l.uri === uriOf(BOARD_A)));
    assert.ok(refs.some((l) => l.uri === uriOf(SOC)));
  });
});

test('an edit that fixes the mismatch clears its diagnostic; an edit that breaks it brings it back', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A, (d) => d.length === 1);
    // delete " 0x1" after GPU_SID
    const r = rangeOf(BOARD_A, 'GPU_SID 0x1', 'GPU_SID'.length);
    const t0 = Date.now();
    const v = await c.change(BOARD_A, [{ range: r, text: '' }]);
    const cleared = await c.waitForDiagnostics(BOARD_A, (d) => d.length === 0, 10_000, true);
    assert.deepEqual(cleared, []);
    assert.equal(c.diagnostics.get(uriOf(BOARD_A))!.version, v);
    const ms = Date.now() - t0;
    assert.ok(ms < 5000, `re-analysis took ${ms} ms`);
    // put it back: the diagnostic returns at the same range
    await c.change(BOARD_A, [{ range: { start: r.start, end: r.start }, text: ' 0x1' }]);
    const back = await c.waitForDiagnostics(BOARD_A, (d) => d.length === 1, 10_000, true);
    assert.deepEqual(back[0].range, rangeOf(BOARD_A, '<&smmu GPU_SID 0x1>'));
  });
});

test('rapid edits are debounced and only the latest version is published', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A, (d) => d.length === 1);
    const r = rangeOf(BOARD_A, 'GPU_SID 0x1', 'GPU_SID'.length);
    const mark = c.history.length;
    // five edits in a row: remove, add, remove, add, remove
    const versions = [await c.change(BOARD_A, [{ range: r, text: '' }])];
    for (let i = 0; i < 2; i++) {
      versions.push(await c.change(BOARD_A, [{ range: { start: r.start, end: r.start }, text: ' 0x1' }]));
      versions.push(await c.change(BOARD_A, [{ range: r, text: '' }]));
    }
    const last = versions[versions.length - 1];
    await c.waitQuiet();
    assert.deepEqual(c.diagnostics.get(uriOf(BOARD_A))!.diagnostics, []);
    // the first edit of the burst is analysed at once (an isolated edit); the others wait for the debounce, so
    // only the last one of them is published (and not even that when its diagnostics equal the first's)
    const published = c.history.slice(mark).filter((p) => p.uri === uriOf(BOARD_A)).map((p) => p.version);
    assert.ok(published.length >= 1 && published.every((v) => v === versions[0] || v === last), `published versions ${published} of ${versions}`);
  });
});

test('an edit in a .dtsi updates the including board diagnostics', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A, (d) => d.length === 1);
    await c.open(SOC);
    const ctx = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(SOC));
    assert.equal(ctx.root, BOARD_A);
    assert.equal(ctx.reason, 'open-board');
    await c.waitForDiagnostics(SOC, (d) => d.length === 0);
    // #iommu-cells = <1> -> <2>: the gpu's two argument cells now fit, the dma's one does not
    const r = rangeOf(SOC, '#iommu-cells = <1>', '#iommu-cells = <'.length, 1);
    await c.change(SOC, [{ range: r, text: '2' }]);
    const boardDiags = await c.waitForDiagnostics(BOARD_A, (d) => d.length === 0, 10_000, true);
    assert.deepEqual(boardDiags, []);
    const socDiags = await c.waitForDiagnostics(SOC, (d) => d.length === 1);
    assert.equal(socDiags[0].code, 'iommu-cells-mismatch');
    assert.deepEqual(socDiags[0].range, rangeOf(SOC, '<&smmu DMA_SID>'));
  });
});

test('keystrokes replayed by the preprocessor and the parser keep every range exact', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A, (d) => d.length === 1);
    await c.open(SOC);
    await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(SOC));
    await c.waitForDiagnostics(SOC, (d) => d.length === 0);
    const cells = rangeOf(SOC, '#iommu-cells = <1>;');
    const related = (d: Diagnostic[]): unknown => d[0]?.relatedInformation?.[0]?.location.range;
    type Stats = { analyses: number; preprocessReplays: number; parseEdits: number };
    const stats = (): Promise<Stats> => c.request<Stats>('dts/stats', {});
    /** each edit analysed on its own (two edits in one analysis are not one keystroke) */
    const analysed = async (n: number): Promise<void> => {
      for (let i = 0; i < 500 && (await stats()).analyses < n; i++) await new Promise((r) => setTimeout(r, 20));
    };
    const before = await stats();
    // a blank line in soc.dtsi before the smmu: the provider's #iommu-cells (related information of board-a's
    // diagnostic) moves down one line
    const eol = positionOf(SOC, '#size-cells = <1>;', '#size-cells = <1>;'.length);
    await c.change(SOC, [{ range: { start: eol, end: eol }, text: '\n' }]);
    const moved = { start: { ...cells.start, line: cells.start.line + 1 }, end: { ...cells.end, line: cells.end.line + 1 } };
    await c.waitForDiagnostics(BOARD_A, (d) => JSON.stringify(related(d)) === JSON.stringify(moved), 10_000, true);
    await analysed(before.analyses + 1);
    // text in the comment on line 1: nothing moves; a space before #iommu-cells: one column to the right
    await c.change(SOC, [{ range: { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } }, text: ' edited' }]);
    await analysed(before.analyses + 2);
    const at = { line: moved.start.line, character: moved.start.character };
    await c.change(SOC, [{ range: { start: at, end: at }, text: ' ' }]);
    const right = { start: { ...moved.start, character: moved.start.character + 1 }, end: { ...moved.end, character: moved.end.character + 1 } };
    const d = await c.waitForDiagnostics(BOARD_A, (x) => JSON.stringify(related(x)) === JSON.stringify(right), 10_000, true);
    assert.deepEqual(d[0].range, rangeOf(BOARD_A, '<&smmu GPU_SID 0x1>'));
    const after = await stats();
    assert.equal(after.analyses, before.analyses + 3);
    assert.equal(after.preprocessReplays, before.preprocessReplays + 3);
    assert.equal(after.parseEdits, before.parseEdits + 3);
  });
});

test('context selection for a .dtsi: the nearest board, an open board that includes it, then the user choice', async () => {
  await withServer(async (c) => {
    await c.open(SOC);
    const ctx = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(SOC));
    assert.equal(ctx.root, BOARD_A);
    assert.equal(ctx.reason, 'nearest-board');
    assert.deepEqual(ctx.candidates.map((x: { path: string }) => x.path), [BOARD_A, BOARD_B]);
    // in board-a the soc has no problem
    assert.deepEqual(await c.waitForDiagnostics(SOC), []);

    const info = await c.request<{ root: string; reason: string }>('dts/contexts', { textDocument: { uri: uriOf(SOC) } });
    assert.equal(info.root, BOARD_A);
    // the folders were indexed in a worker thread (lsp/index-worker.ts)
    assert.equal((await c.request<{ indexMode: string }>('dts/stats', null)).indexMode, 'worker');

    const sel = await c.request<{ root: string; reason: string }>('dts/selectContext', { textDocument: { uri: uriOf(SOC) }, context: uriOf(BOARD_B) });
    assert.equal(sel.root, BOARD_B);
    assert.equal(sel.reason, 'explicit');
    await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(SOC) && p.root === BOARD_B);
    // board-b disables the smmu: the dma (enabled) depends on a disabled supplier
    const diags = await c.waitForDiagnostics(SOC, (d) => d.length > 0);
    assert.deepEqual(diags.map((d: Diagnostic) => d.code), ['supplier-disabled']);

    // back to automatic
    const auto = await c.request<{ root: string; reason: string }>('dts/selectContext', { textDocument: { uri: uriOf(SOC) }, context: null });
    assert.equal(auto.root, BOARD_A);
    assert.deepEqual(await c.waitForDiagnostics(SOC, (d) => d.length === 0), []);

    // opening board-b (it includes soc.dtsi) makes it the context: the .dtsi shows the open board's problems
    const seen = new Set(c.notifications.map((n) => n.params));
    await c.open(BOARD_B);
    const opened = await c.waitForNotification('dts/contextChanged', (p) => !seen.has(p) && p.uri === uriOf(SOC));
    assert.deepEqual([opened.root, opened.reason], [BOARD_B, 'open-board']);
    assert.deepEqual((await c.waitForDiagnostics(SOC, (d) => d.length > 0)).map((d: Diagnostic) => d.code), ['supplier-disabled']);
    // one context for both files: board-a's (the .dtsi's nearest board, no longer used) is gone
    assert.deepEqual((await c.request<{ contexts: { root: string }[] }>('dts/stats', null)).contexts.map((x) => x.root), [BOARD_B]);
    // closing it gives the nearest board back
    const before = new Set(c.notifications.map((n) => n.params));
    await c.close(BOARD_B);
    const closed = await c.waitForNotification('dts/contextChanged', (p) => !before.has(p) && p.uri === uriOf(SOC));
    assert.deepEqual([closed.root, closed.reason], [BOARD_A, 'nearest-board']);
    assert.equal(closed.candidates.length, 2);
    assert.deepEqual(await c.waitForDiagnostics(SOC, (d) => d.length === 0), []);

    // a lone .dtsi and an overlay are their own contexts
    await c.open(LONE);
    const lone = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(LONE));
    assert.equal(lone.root, LONE);
    assert.equal(lone.reason, 'lone');
    await c.open(ADDON);
    const addon = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(ADDON));
    assert.equal(addon.root, ADDON);
    assert.equal(addon.reason, 'self');
  });
});

test('the settings mapping chooses the context; severities apply', async () => {
  await withServer(
    async (c) => {
      await c.open(SOC);
      const ctx = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(SOC));
      assert.equal(ctx.root, BOARD_B);
      assert.equal(ctx.reason, 'configured');
      const diags = await c.waitForDiagnostics(SOC, (d) => d.length > 0);
      assert.deepEqual(diags.map((d) => [d.code, d.severity]), [['supplier-disabled', 4]]);
    },
    { contexts: { 'soc.dtsi': 'board-b.dts' }, severities: { 'supplier-disabled': 'hint' } },
  );
});

test('an invalid model override JSON is reported, not fatal', async () => {
  const bad = fixture('bad-model.json');
  await withServer(
    async (c) => {
      const msg = await c.waitForNotification('window/showMessage', (p) => /not valid JSON/.test(p.message));
      assert.equal(msg.type, 1);
      const d = await c.waitForDiagnostics(bad, (x) => x.length === 1);
      assert.equal(d[0].code, 'model-override-invalid');
      // the server still works
      await c.open(BOARD_A);
      assert.equal((await c.waitForDiagnostics(BOARD_A, (x) => x.length === 1))[0].code, 'iommu-cells-mismatch');
    },
    { modelOverride: 'bad-model.json' },
  );
  assert.ok(fs.existsSync(bad));
});

test('unknown documents, positions past the end and bad params give empty answers, never a crash', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A);
    const unknown = { textDocument: { uri: uriOf(fixture('nope.dts')) }, position: { line: 0, character: 0 } };
    assert.equal(await c.request('textDocument/hover', unknown), null);
    assert.equal(await c.request('textDocument/definition', unknown), null);
    assert.deepEqual(await c.request('dts/goToSupplier', unknown), []);
    const past = { textDocument: { uri: uriOf(BOARD_A) }, position: { line: 9999, character: 0 } };
    assert.equal(await c.request('textDocument/hover', past), null);
    assert.equal(await c.request('textDocument/completion', past), null);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 0, character: 0 } }), null);
    // malformed params: logged, answered with the fallback
    assert.equal(await c.request('textDocument/hover', {}), null);
    assert.deepEqual(await c.request('dts/goToConsumers', null), []);
    // still alive
    const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(BOARD_A) }, position: positionOf(BOARD_A, '&smmu', 2) });
    assert.ok(hover);
  });
});

test('symbols, folding, semantic tokens, links, completion, rename, code action, call hierarchy, graph', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A, (d) => d.length === 1);
    const doc = { uri: uriOf(BOARD_A) };

    const symbols = await c.request<Array<{ name: string; children?: unknown[] }>>('textDocument/documentSymbol', { textDocument: doc });
    assert.ok(symbols.length >= 2, JSON.stringify(symbols));

    const folds = await c.request<Array<{ startLine: number; endLine: number }>>('textDocument/foldingRange', { textDocument: doc });
    assert.ok(folds.some((f) => f.startLine === positionOf(BOARD_A, '/ {').line));

    const tokens = await c.request<{ data: number[] }>('semanticTokens/full'.replace('semanticTokens', 'textDocument/semanticTokens'), { textDocument: doc });
    assert.ok(tokens.data.length > 0 && tokens.data.length % 5 === 0);

    const links = await c.request<Array<{ target: string; range: unknown }>>('textDocument/documentLink', { textDocument: doc });
    assert.deepEqual(links.map((l) => l.target), [uriOf(SOC)]);
    assert.deepEqual(links[0].range, rangeOf(BOARD_A, '"soc.dtsi"', 1, 'soc.dtsi'.length));

    // completion after `&s` in the gpu's iommus offers the smmu label
    const comp = await c.request<Array<{ label: string }> | { items: Array<{ label: string }> }>('textDocument/completion', {
      textDocument: doc,
      position: positionOf(BOARD_A, '&smmu', 2),
    });
    const items = Array.isArray(comp) ? comp : comp.items;
    assert.ok(items.some((i) => i.label === 'smmu'), JSON.stringify(items.map((i) => i.label)));

    const prep = await c.request<{ range: unknown; placeholder: string }>('textDocument/prepareRename', { textDocument: doc, position: positionOf(BOARD_A, '&smmu', 2) });
    assert.equal(prep.placeholder, 'smmu');
    const edit = await c.request<{ changes: Record<string, unknown[]> }>('textDocument/rename', { textDocument: doc, position: positionOf(BOARD_A, '&smmu', 2), newName: 'iommu0' });
    assert.deepEqual(Object.keys(edit.changes).sort(), [uriOf(BOARD_A), uriOf(SOC)].sort());
    assert.equal(edit.changes[uriOf(SOC)].length, 2); // the label and the dma's &smmu

    // the quick fix drops the extra cell (written without a macro, so that the fix is unambiguous)
    const sid = rangeOf(BOARD_A, 'GPU_SID 0x1', 0, 'GPU_SID'.length);
    const v = await c.change(BOARD_A, [{ range: sid, text: '0x20' }]);
    const diags = await c.waitForDiagnostics(BOARD_A, () => c.diagnostics.get(uriOf(BOARD_A))!.version === v, 10_000, true);
    assert.equal(diags.length, 1);
    // `<&smmu 0x20 0x1>`
    assert.deepEqual(diags[0].range, { start: { line: sid.start.line, character: sid.start.character - '<&smmu '.length }, end: { line: sid.start.line, character: sid.start.character + '0x20 0x1>'.length } });
    const actions = await c.request<Array<{ title: string; kind: string; edit: { changes: Record<string, Array<{ range: { start: { character: number } }; newText: string }>> } }>>('textDocument/codeAction', {
      textDocument: doc,
      range: diags[0].range,
      context: { diagnostics: diags },
    });
    assert.equal(actions.length, 1, JSON.stringify(actions));
    assert.equal(actions[0].kind, 'quickfix');
    const fix = actions[0].edit.changes[uriOf(BOARD_A)];
    assert.equal(fix.length, 1);
    assert.equal(fix[0].newText, '');
    // `<&smmu 0x20 0x1>`: the edit removes " 0x1"
    assert.deepEqual(fix[0].range, { start: { line: sid.start.line, character: sid.start.character + 4 }, end: { line: sid.start.line, character: sid.start.character + 8 } });

    const items2 = await c.request<Array<{ name: string; data: unknown }>>('textDocument/prepareCallHierarchy', { textDocument: doc, position: positionOf(BOARD_A, '&smmu', 2) });
    assert.equal(items2.length, 1);
    const incoming = await c.request<Array<{ from: { name: string } }>>('callHierarchy/incomingCalls', { item: items2[0] });
    assert.equal(incoming.length, 2, JSON.stringify(incoming));

    const graph = await c.request<{ focus: string; focusName: string; nodes: Array<{ id: string; kind: string }>; edges: unknown[] }>('dts/supplierGraph', { textDocument: doc, position: positionOf(BOARD_A, '&smmu', 2) });
    assert.ok(graph.focus);
    assert.equal(graph.nodes.find((n) => n.id === graph.focus)?.kind, 'iommu');
    assert.ok(graph.edges.length >= 2);
    const f = await c.request<{ focus: string; focusName: string }>('dts/supplierGraph', { textDocument: doc, position: positionOf(BOARD_A, '&smmu', 2), focusOnly: true });
    assert.deepEqual(f, { focus: graph.focus, focusName: graph.focusName });

    const ws = await c.request<Array<{ name: string }>>('workspace/symbol', { query: 'smmu' });
    assert.ok(ws.some((s) => s.name === 'smmu'));
  });
});

test('the bundled server (dist/server/main.js, what the .vsix ships) works on its own', async (t) => {
  const bundle = path.join(REPO, 'dist/server/main.js');
  if (!fs.existsSync(bundle)) {
    t.skip('dist/server/main.js is not built (esbuild bundle step of scripts/build.js)');
    return;
  }
  const c = new LspClient(['--stdio'], bundle);
  try {
    await c.initialize();
    await c.open(BOARD_A);
    const d = await c.waitForDiagnostics(BOARD_A, (x) => x.length === 1);
    assert.equal(d[0].code, 'iommu-cells-mismatch');
    assert.match(d[0].codeDescription?.href ?? '', /\/docs\/codes\.md#L\d+$/);
    const hover = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri: uriOf(BOARD_A) }, position: positionOf(BOARD_A, '&smmu', 2) });
    assert.match((hover!.contents as { value: string }).value, /iommu@15000000/);
    // its index worker (dist/server/index-worker.js) gives a .dtsi its nearest board
    await c.open(SOC);
    const ctx = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(SOC));
    assert.equal(ctx.root, BOARD_A);
    assert.equal((await c.request<{ indexMode: string }>('dts/stats', null)).indexMode, 'worker');
  } finally {
    await c.shutdown();
  }
});

test('a change on disk (workspace/didChangeWatchedFiles) re-analyses the boards that read the file', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-lsp-watch-'));
  for (const f of ['board-a.dts', 'soc.dtsi', 'ids.h']) fs.copyFileSync(fixture(f), path.join(tmp, f));
  const board = path.join(tmp, 'board-a.dts');
  const soc = path.join(tmp, 'soc.dtsi');
  const ids = path.join(tmp, 'ids.h');
  const c = new LspClient();
  try {
    await c.initialize(tmp);
    await c.open(board);
    await c.waitForDiagnostics(board, (d) => d.length === 1);
    // #iommu-cells = <2> in soc.dtsi, on disk only: the gpu fits, the dma does not
    fs.writeFileSync(soc, fs.readFileSync(soc, 'utf8').replace('#iommu-cells = <1>', '#iommu-cells = <2>'));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(soc), type: 2 }] });
    assert.deepEqual(await c.waitForDiagnostics(board, (d) => d.length === 0, 10_000, true), []);
    const socDiags = await c.waitForDiagnostics(soc, (d) => d.length === 1);
    assert.equal(socDiags[0].code, 'iommu-cells-mismatch');
    // a header: GPU_SID expands to two cells now, one too many again for the board
    fs.writeFileSync(ids, fs.readFileSync(ids, 'utf8').replace('#define GPU_SID 0x20', '#define GPU_SID 0x20 0x2'));
    await c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(ids), type: 2 }] });
    const back = await c.waitForDiagnostics(board, (d) => d.length === 1, 10_000, true);
    assert.equal(back[0].code, 'iommu-cells-mismatch');
  } finally {
    await c.shutdown();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a client that reports no changed files: every keystroke stats the includes again (no trust window)', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-lsp-nowatch-'));
  for (const f of ['board-a.dts', 'soc.dtsi', 'ids.h']) fs.copyFileSync(fixture(f), path.join(tmp, f));
  const board = path.join(tmp, 'board-a.dts');
  const soc = path.join(tmp, 'soc.dtsi');
  const c = new LspClient();
  try {
    await c.initialize(tmp, { workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: false } } });
    const text = fs.readFileSync(board, 'utf8');
    await c.open(board, text);
    await c.waitForDiagnostics(board, (d) => d.length === 1);
    // on disk only, and nobody says so: the next keystroke's analysis reads it (a stat on every use)
    fs.writeFileSync(soc, fs.readFileSync(soc, 'utf8').replace('#iommu-cells = <1>', '#iommu-cells = <2>'));
    await c.change(board, [{ text: text + ' ' }]);
    assert.deepEqual(await c.waitForDiagnostics(board, (d) => d.length === 0, 10_000, true), []);
  } finally {
    await c.shutdown();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a completion request right behind an edit answers from the edited text', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A, (d) => d.length === 1);
    // a new line `\t\tsta` above the gpu's reg, and a completion request right behind the edit (no wait for
    // diagnostics): the server brings the stale context up to date before it answers
    const reg = positionOf(BOARD_A, 'reg = <0x17000000');
    const at = { line: reg.line, character: 0 };
    const [, comp] = await Promise.all([
      c.change(BOARD_A, [{ range: { start: at, end: at }, text: '\t\tsta\n' }]),
      c.request<Array<{ label: string; textEdit?: { range: unknown; newText: string } }> | null>('textDocument/completion', {
        textDocument: { uri: uriOf(BOARD_A) },
        position: { line: reg.line, character: 5 },
      }),
    ]);
    assert.ok(comp, 'completion answered');
    const status = comp.find((i) => i.label === 'status');
    assert.ok(status, JSON.stringify(comp.map((i) => i.label)));
    // the edit replaces the typed `sta` on the new line
    assert.deepEqual(status.textEdit?.range, { start: { line: reg.line, character: 2 }, end: { line: reg.line, character: 5 } });
  });
});

test('an #include added to an open board gives the included open file that board as its context', async () => {
  await withServer(async (c) => {
    await c.open(BOARD_B);
    await c.open(LONE);
    await c.waitForDiagnostics(BOARD_B, () => true);
    const before = await c.request<{ root: string }>('dts/contexts', { textDocument: { uri: uriOf(LONE) } });
    assert.equal(before.root, LONE); // included by no board: analysed on its own
    const at = positionOf(BOARD_B, '#include "soc.dtsi"');
    const line = { line: at.line + 1, character: 0 };
    await c.change(BOARD_B, [{ range: { start: line, end: line }, text: '#include "lone.dtsi"\n' }]);
    // the index sees the new include line once typing pauses, then re-chooses the contexts
    await c.waitForNotification('dts/contextChanged', (p: { uri: string; root: string }) => p.uri === uriOf(LONE) && p.root === BOARD_B);
    const after = await c.request<{ root: string }>('dts/contexts', { textDocument: { uri: uriOf(LONE) } });
    assert.equal(after.root, BOARD_B);
  });
});

test('once nothing has happened for the quiet time, the server compacts its heap once', async () => {
  // a short quiet time and no growth threshold (the fixtures are small), from the environment
  const c = new LspClient(['--stdio'], undefined, { ...process.env, DTS_LSP_IDLE_GC_MS: '300', DTS_LSP_IDLE_GC_MIN_MB: '0', DTS_LSP_IDLE_GC_SHRINK_MS: '300' });
  try {
    await c.initialize();
    await c.open(BOARD_A);
    await c.waitForDiagnostics(BOARD_A, (d) => d.length === 1);
    type Stats = { idleCollections: number; heapBeforeIdleCollection: number; heapAfterIdleCollection: number; youngShrinks: number };
    // every message is activity (a stats request too): ask only after a longer silence
    let s: Stats = { idleCollections: 0, heapBeforeIdleCollection: 0, heapAfterIdleCollection: 0, youngShrinks: 0 };
    for (let i = 0; i < 10 && s.idleCollections === 0; i++) {
      await new Promise((r) => setTimeout(r, 1500));
      s = await c.request<Stats>('dts/stats', {});
    }
    assert.equal(s.idleCollections, 1, 'one collection after 300 ms of quiet');
    // a real collection: the opened board's garbage is gone
    assert.ok(s.heapAfterIdleCollection > 0 && s.heapAfterIdleCollection < s.heapBeforeIdleCollection, JSON.stringify(s));
    assert.ok(c.logs.some((m) => /^idle: collected garbage in \d+ ms/.test(m)), c.logs.join('\n'));
    // and the young generation 300 ms later (the second step, ran by the time of the first request)
    assert.ok(s.youngShrinks >= 1, JSON.stringify(s));
    // quiet again with nothing new (the stats request is a message: young collections, no full one)
    const young = s.youngShrinks;
    await new Promise((r) => setTimeout(r, 2000));
    s = await c.request<Stats>('dts/stats', {});
    assert.equal(s.idleCollections, 1);
    assert.ok(s.youngShrinks > young, JSON.stringify(s));
    assert.ok(c.logs.some((m) => /^idle: young generation \d+ -> \d+ MB/.test(m)), c.logs.join('\n'));
  } finally {
    await c.shutdown();
  }
});
