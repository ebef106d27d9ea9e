// Bindings in a real VS Code: the binding diagnostics in the Problems panel, the binding's section in
// hover, signature help inside < >, completion of the properties a binding allows, go to type definition.
// Screenshots go to out/screenshots (bindings-*.png).
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');
const { until, sleep, positionOf, screenshot, keepOnDisk } = require('./util');

const BOARD = path.resolve(__dirname, '../../fixtures/bindings/linux/arch/arm64/boot/dts/acme/board.dts');

suite('Bindings', () => {
  test('binding diagnostics on their ranges, in the Problems panel', async function () {
    this.timeout(120_000);
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(BOARD));
    await vscode.window.showTextDocument(doc);
    const diags = await until('binding diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri).filter((x) => String(typeof x.code === 'object' ? x.code.value : x.code).startsWith('binding-'));
      return d.length >= 8 ? d : undefined;
    }, 90_000);
    const unknown = diags.find((x) => /acme,colour is not allowed/.test(x.message));
    assert.ok(unknown, diags.map((x) => x.message).join('\n'));
    assert.equal(doc.getText(unknown.range), 'acme,colour');
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    await sleep(1000);
    await screenshot('bindings-problems');
  });

  test('hover shows the binding of a property; signature help names the cells', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(BOARD));
    const ed = await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const at = positionOf(doc, 'acme,mode = "fast"', 3);
    const hovers = await until('the binding hover', async () => {
      const h = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, at);
      const text = (h || []).flatMap((x) => x.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      return /How fast the widget spins/.test(text) ? text : undefined;
    }, 60_000);
    assert.match(hovers, /type `string` · default `"slow"` · one of `"fast"`, `"slow"`/);
    ed.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1200);
    await screenshot('bindings-hover');
    const cell = positionOf(doc, '<&clk 2>', 6);
    const sig = await vscode.commands.executeCommand('vscode.executeSignatureHelpProvider', doc.uri, cell);
    assert.ok(sig && sig.signatures.length);
    assert.match(sig.signatures[0].label, /^clocks\[1\]: <&clk /);
    // another editor closes the hover; then a space typed inside < > (a trigger character) shows the cells
    const other = await vscode.workspace.openTextDocument(vscode.Uri.file(path.resolve(__dirname, '../../fixtures/lsp/soc.dtsi')));
    await vscode.window.showTextDocument(other);
    await sleep(300);
    const ed2 = await vscode.window.showTextDocument(doc);
    await keepOnDisk(doc.uri.fsPath, async () => {
      const before = positionOf(doc, '<&clk 2>', 5);
      ed2.selection = new vscode.Selection(before, before);
      await vscode.commands.executeCommand('type', { text: ' ' });
      const cursor = ed2.selection.active;
      await until('signature help after the edit', async () => {
        const h = await vscode.commands.executeCommand('vscode.executeSignatureHelpProvider', doc.uri, cursor);
        return h && h.signatures.length && /^clocks\[1\]/.test(h.signatures[0].label) ? h : undefined;
      });
      await vscode.commands.executeCommand('editor.action.triggerParameterHints');
      await sleep(1500);
      await screenshot('bindings-signature-help');
    });
  });

  test('completion offers the binding\'s properties; type definition opens the binding', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(BOARD));
    await vscode.window.showTextDocument(doc);
    const at = positionOf(doc, 'acme,mode = "fast"', 0);
    const items = await vscode.commands.executeCommand('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(at.line, 2));
    const labels = items.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    assert.ok(labels.includes('interrupts') && labels.includes('acme,gain'), labels.slice(0, 20).join(', '));
    const defs = await vscode.commands.executeCommand('vscode.executeTypeDefinitionProvider', doc.uri, positionOf(doc, 'acme,mode = "fast"', 2));
    assert.ok(defs && defs.length);
    const target = defs[0].targetUri || defs[0].uri;
    assert.match(target.fsPath, /acme,widget\.yaml$/);
    const yaml = await vscode.workspace.openTextDocument(target);
    const range = defs[0].targetSelectionRange || defs[0].targetRange || defs[0].range;
    assert.equal(yaml.getText(range), 'acme,mode');
    await vscode.window.showTextDocument(yaml, { selection: range });
    await sleep(800);
    await screenshot('bindings-type-definition');
  });
});
