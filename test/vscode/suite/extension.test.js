// In a real VS Code extension host: the extension starts dts-lsp and the editor sees
// its diagnostics, hover and go-to-definition through the vscode API.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');

const { until, positionOf } = require('./util');

const FIXTURES = path.resolve(__dirname, '../../fixtures/lsp');

suite('Devicetree extension', () => {
  let doc;
  suiteSetup(async () => {
    doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIXTURES, 'board-a.dts')));
    await vscode.window.showTextDocument(doc);
  });

  test('the document gets the dts language and the extension activates', async () => {
    assert.equal(doc.languageId, 'dts');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['dts.selectContext', 'dts.goToSupplier', 'dts.goToConsumers', 'dts.showSupplierGraph', 'dts.explainProbeOrder']) assert.ok(commands.includes(c), c);
  });

  test('diagnostics: the iommus specifier with a cell too many', async () => {
    const diags = await until('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length > 0 ? d : undefined;
    });
    assert.deepEqual(diags.map((d) => (typeof d.code === 'object' ? d.code.value : d.code)), ['iommu-cells-mismatch']);
    // the code is a link to its section of docs/codes.md, opened at the section's line
    const target = diags[0].code.target;
    assert.equal(path.basename(target.fsPath), 'codes.md');
    assert.match(target.fragment, /^L\d+$/);
    assert.match(diags[0].message, /^&smmu expects 1 cell, got 2\b/);
    const start = positionOf(doc, '<&smmu GPU_SID 0x1>');
    const end = positionOf(doc, '<&smmu GPU_SID 0x1>', '<&smmu GPU_SID 0x1>'.length);
    assert.ok(diags[0].range.isEqual(new vscode.Range(start, end)), JSON.stringify(diags[0].range));
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
  });

  test('hover on &smmu describes the IOMMU', async () => {
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, positionOf(doc, '&smmu', 2));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /iommu@15000000/);
  });

  test('go to definition of &smmu opens soc.dtsi', async () => {
    const defs = await vscode.commands.executeCommand('vscode.executeDefinitionProvider', doc.uri, positionOf(doc, '&smmu', 2));
    assert.ok(defs.length >= 1);
    const uri = defs[0].uri || defs[0].targetUri;
    assert.equal(path.basename(uri.fsPath), 'soc.dtsi');
  });

  test('Explain Probe Order opens the probe report of the node at the cursor', async () => {
    const editor = await vscode.window.showTextDocument(doc);
    const at = positionOf(doc, 'gpu@');
    editor.selection = new vscode.Selection(at, at);
    await vscode.commands.executeCommand('dts.explainProbeOrder');
    const md = await until('the probe report document', () =>
      vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'dts-probe' && /^# \/.*gpu@/.test(d.getText())));
    assert.match(md.uri.path, /gpu@17000000\.md$/);
    assert.match(md.getText(), /^# \/[^\n]*gpu@[^:]*: (probes|probes untranslated|waits forever|fails|never created|no driver|unknown)/);
    assert.match(md.getText(), /_configuration: .*; command line: .*_/);
    assert.match(md.getText(), /## Why/);
  });
});
