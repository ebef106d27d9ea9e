// The board context of a .dtsi follows the open boards that include it (run last: it leaves board-b open).
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');
const { until, api, screenshot } = require('./util');

const FIX = path.resolve(__dirname, '../../fixtures');

suite('Board context', () => {
  test('status bar: a .dtsi is analysed in the nearest open board that includes it, and says so', async () => {
    const a = await api();
    // board-a.dts is open (the extension suite opened it); board-b.dts is opened now: both include soc.dtsi
    const boardB = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'lsp/board-b.dts')));
    await vscode.window.showTextDocument(boardB, { preview: false });
    const soc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'lsp/soc.dtsi')));
    await vscode.window.showTextDocument(soc, { preview: false });
    const s = await until('soc.dtsi in an open board', () => {
      const x = a.status();
      return x.visible && /An open board that includes soc\.dtsi/.test(x.tooltip) ? x : undefined;
    });
    // the nearest of the two open ones (both one include step away, then by name)
    assert.match(s.text, /in board-a/);
    assert.match(s.tooltip, /\*\*Board context:\*\* `board-a\.dts`/);
    assert.match(s.tooltip, /An open board that includes soc\.dtsi \(the nearest of the open ones; 2 boards include it\)/);
    assert.doesNotMatch(s.tooltip, /open-board|nearest-board/, 'no internal words');
    await screenshot('status-dtsi-open-board');
  });
});
