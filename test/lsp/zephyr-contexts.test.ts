// The language server on a Zephyr west workspace (test/fixtures/zephyr-ws, copied): an opened overlay gets the
// board it is named after as its base (the context says so, for the status bar), its diagnostics come from the
// stacked analysis, and Select Board Context changes the base.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { LspClient, uriOf } from './lsp-client';
import { zephyrFixture } from '../util/zephyr-ws';

const F = zephyrFixture();
after(() => F.remove());
const OVERLAY = path.join(F.zephyr, 'samples/hello/boards/acme_board.overlay');
const ACME = path.join(F.zephyr, 'boards/arm/acme_board/acme_board.dts');
const RV = path.join(F.zephyr, 'boards/riscv/acme_rv/acme_rv.dts');

test('an overlay opened in the editor: analysed on its board, the base shown in the context, the pick changes it', async () => {
  const c = new LspClient();
  try {
    // only zephyr/ is opened: the HAL module beside it (../modules) must still be read
    await c.initialize(F.zephyr);
    await c.open(OVERLAY);
    const ctx = await c.waitForNotification('dts/contextChanged', (p) => p.uri === uriOf(OVERLAY));
    assert.equal(ctx.root, OVERLAY);
    assert.equal(ctx.reason, 'self');
    assert.equal(ctx.flavour, 'zephyr');
    assert.equal(ctx.stack.base, ACME);
    assert.equal(ctx.stack.note, "board acme_board (the overlay's name)");
    assert.ok(ctx.candidates.some((x: { path: string }) => x.path === RV), 'the boards of the workspace are the candidates');
    const diags = await c.waitForDiagnostics(OVERLAY, (d) => d.length > 0);
    assert.deepEqual(diags.map((d: Diagnostic) => [d.code, d.severity]), [['macro-redefined', 2]]);

    // the user picks the RISC-V board: &sram0 does not exist there
    const sel = await c.request<{ root: string; reason: string; stack: { base: string } }>('dts/selectContext', { textDocument: { uri: uriOf(OVERLAY) }, context: uriOf(RV) });
    assert.deepEqual([sel.root, sel.reason, sel.stack.base], [OVERLAY, 'explicit', RV]);
    const onRv = await c.waitForDiagnostics(OVERLAY, (d) => d.some((x: Diagnostic) => x.code === 'unresolved-reference'));
    assert.ok(onRv.some((d: Diagnostic) => d.code === 'unresolved-reference' && /sram0/.test(d.message)));

    // back to automatic
    const auto = await c.request<{ stack: { base: string } }>('dts/selectContext', { textDocument: { uri: uriOf(OVERLAY) }, context: null });
    assert.equal(auto.stack.base, ACME);
    await c.waitForDiagnostics(OVERLAY, (d) => d.length === 1 && d[0].code === 'macro-redefined');
  } finally {
    await c.shutdown();
  }
});
