// The editor experience in a real VS Code: the board-context status bar (words, the clean sign),
// formatting, Go to Consumers as a picker of nodes, the compact hover, code lenses and inlay hints.
// Screenshots go to out/screenshots.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');
const { until, sleep, positionOf, api, screenshot, keepOnDisk } = require('./util');

const FIX = path.resolve(__dirname, '../../fixtures');

suite('Editor experience', () => {
  test('status bar: the board a .dtsi is analysed in, in words; a clean board gets a check mark', async () => {
    const a = await api();
    const soc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'lsp/soc.dtsi')));
    await vscode.window.showTextDocument(soc);
    const s = await until('status for soc.dtsi', () => {
      const x = a.status();
      return x.visible && /in board-a/.test(x.text) && /\$\(error\) 1/.test(x.text) ? x : undefined;
    });
    assert.match(s.tooltip, /\*\*Board context:\*\* `board-a\.dts`/);
    assert.match(s.tooltip, /The nearest of the 2 boards that include soc\.dtsi/);
    assert.doesNotMatch(s.tooltip, /open-board|first-board|nearest-board/, 'no internal words');
    await screenshot('status-dtsi');
    const nav = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'features/nav.dts')));
    await vscode.window.showTextDocument(nav);
    const clean = await until('the clean sign', () => {
      const x = a.status();
      return /nav \$\(pass\)/.test(x.text) ? x : undefined;
    });
    assert.match(clean.tooltip, /Analysed: no problems in nav\.dts/);
    await screenshot('status-clean');
  });

  test('format document: Linux style, white space only', async () => {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'format/linux-in.dts')));
    await vscode.window.showTextDocument(doc);
    const edits = await until('formatting edits', async () => {
      const e = await vscode.commands.executeCommand('vscode.executeFormatDocumentProvider', doc.uri, { tabSize: 4, insertSpaces: true });
      return e && e.length ? e : undefined;
    });
    await keepOnDisk(doc.uri.fsPath, async () => {
      const we = new vscode.WorkspaceEdit();
      we.set(doc.uri, edits);
      await vscode.workspace.applyEdit(we);
      const expected = require('node:fs').readFileSync(path.join(FIX, 'format/linux-out.dts'), 'utf8');
      assert.equal(doc.getText(), expected);
    });
  });

  test('Go to Consumers: a picker with one row per consumer node and its binding', async () => {
    const soc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'lsp/soc.dtsi')));
    const ed = await vscode.window.showTextDocument(soc);
    const at = positionOf(soc, 'smmu: iommu', 1);
    ed.selection = new vscode.Selection(at, at);
    await sleep(300);
    void vscode.commands.executeCommand('dts.goToConsumers');
    await sleep(1500);
    await screenshot('go-to-consumers');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const a = await api();
    const list = await a.client.sendRequest('dts/consumerList', { textDocument: { uri: soc.uri.toString() }, position: { line: at.line, character: at.character } });
    assert.deepEqual(list.items.map((i) => i.label).sort(), ['dma', 'gpu']);
  });

  test('hover: compact, the node as DTS', async () => {
    const board = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'lsp/board-a.dts')));
    const ed = await vscode.window.showTextDocument(board);
    const at = positionOf(board, '&smmu', 2);
    ed.selection = new vscode.Selection(at, at);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', board.uri, at);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /smmu: iommu@15000000 \{/);
    assert.match(text, /\*\*iommus\[0\]\*\* → smmu: stream ID GPU_SID = 0x20/);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1200);
    await screenshot('hover');
  });

  test('code lens counts consumers; inlay hints name cells', async () => {
    const soc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'lsp/soc.dtsi')));
    await vscode.window.showTextDocument(soc);
    const lenses = await until('code lenses', async () => {
      const l = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', soc.uri);
      return l && l.length ? l : undefined;
    });
    assert.ok(lenses.some((l) => l.command && l.command.title === '2 consumers (iommus)'), JSON.stringify(lenses.map((l) => l.command && l.command.title)));
    const nav = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(FIX, 'features/nav.dts')));
    await vscode.window.showTextDocument(nav);
    const hints = await until('inlay hints', async () => {
      const h = await vscode.commands.executeCommand('vscode.executeInlayHintProvider', nav.uri, new vscode.Range(0, 0, nav.lineCount, 0));
      return h && h.length ? h : undefined;
    });
    assert.deepEqual(hints.map((h) => (typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join(''))).slice(0, 2), ['stream ID:', 'stream ID:']);
    await sleep(800);
    await screenshot('lens-and-hints');
  });

  test('supplier graph of the example board: hazards styled (DMA untranslated, a cycle)', async function () {
    this.timeout(120_000);
    const a = await api();
    const soc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.resolve(FIX, '../../examples/acme-s100.dtsi')));
    const board = await vscode.workspace.openTextDocument(vscode.Uri.file(path.resolve(FIX, '../../examples/board.dts')));
    await vscode.window.showTextDocument(board, vscode.ViewColumn.One);
    await until('board analysed', () => /board \$\((error|warning)/.test(a.status().text) || undefined, 60_000);
    const ed = await vscode.window.showTextDocument(soc, vscode.ViewColumn.One);
    // the examples are outside the workspace folder: the open board that reads the .dtsi is its context
    await until('acme-s100.dtsi in board', () => /in board \$\((error|warning)/.test(a.status().text) || undefined, 60_000)
      .catch((e) => { throw new Error(`${e.message}: status bar "${a.status().text}"`); });
    const at = positionOf(soc, 'gcc: clock-controller', 1);
    ed.selection = new vscode.Selection(at, at);
    const t0 = Date.now();
    await vscode.commands.executeCommand('dts.showSupplierGraph');
    const m = await until('graph metrics', () => {
      const x = a.graphMetrics();
      return x && x.at > t0 && x.focus === '/soc@0/clock-controller@100000' ? x : undefined;
    }, 60_000);
    assert.ok(m.hazards.cycle >= 2, JSON.stringify(m.hazards));
    assert.equal(m.overlaps, 0);
    await screenshot('graph-example-hazards');
    // the whole board: the GPU behind its disabled SMMU
    const at2 = positionOf(soc, 'gpu: gpu@', 1);
    ed.selection = new vscode.Selection(at2, at2);
    const m2 = await until('graph follows the cursor to the gpu', () => {
      const x = a.graphMetrics();
      return x && x.focus === '/soc@0/gpu@3d00000' ? x : undefined;
    }, 30_000);
    assert.ok(m2.hazards.untranslated >= 2, JSON.stringify(m2.hazards)); // the edge and the gpu node
    await screenshot('graph-example-untranslated');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
  test('a property half typed above a node: one syntax error, the node and what extends it stay', async () => {
    const socFile = path.join(FIX, 'lsp/soc.dtsi');
    const soc = await vscode.workspace.openTextDocument(vscode.Uri.file(socFile));
    const ed = await vscode.window.showTextDocument(soc);
    const board = vscode.Uri.file(path.join(FIX, 'lsp/board-a.dts'));
    const code = (x) => String(typeof x.code === 'object' ? x.code.value : x.code);
    await keepOnDisk(socFile, async () => {
      const at = positionOf(soc, '\tsoc: soc {', 0);
      const line = new vscode.Position(at.line, 0);
      await ed.edit((b) => b.insert(line, '\tvendor,half =\n'));
      // the error at the node's name on the next line (its label taken for a value's); the node is parsed as written:
      // the board's `&soc { }` and the references to the SMMU inside it still find their nodes
      const errors = await until('the syntax error', () => {
        const d = vscode.languages.getDiagnostics(soc.uri).filter((x) => code(x) === 'syntax-error');
        return d.length ? d : undefined;
      });
      assert.equal(errors.length, 1, JSON.stringify(errors.map((x) => x.message)));
      assert.match(errors[0].message, /expected a property value, found 'soc'/);
      assert.equal(errors[0].range.start.line, at.line + 1);
      await sleep(500);
      const unresolved = [...vscode.languages.getDiagnostics(board), ...vscode.languages.getDiagnostics(soc.uri)].filter((x) => code(x) === 'unresolved-reference');
      assert.deepEqual(unresolved.map((x) => x.message), []);
      ed.selection = new vscode.Selection(line, line);
      await screenshot('half-typed-property');
    });
  });
});
