// The supplier graph of a real SoC in a real VS Code: apps_smmu of sm8550 (Linux 6.12) must read as a
// layered drawing, not a line: a bounding box of sane aspect ratio and no overlapping labels, as the
// webview measures them after its layout. Then: the view comes back when shown again, and follows an
// edit. Screenshots go to out/screenshots. Skipped without the kernel sources.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const vscode = require('vscode');
const { until, sleep, positionOf, api, screenshot, keepOnDisk } = require('./util');

const KERNEL = process.env.DTS_E2E_KERNEL;
const QCOM = KERNEL ? path.join(KERNEL, 'arch/arm64/boot/dts/qcom') : '';
const SMMU = '/soc@0/iommu@15000000';

suite('Supplier graph on sm8550', function () {
  let a;
  let soc;
  suiteSetup(async function () {
    this.timeout(300_000);
    if (!KERNEL) {
      this.skip();
      return;
    }
    a = await api();
    // the kernel tree is not the workspace folder (no index of its boards): the open board is the context
    const board = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(QCOM, 'sm8550-mtp.dts')));
    await vscode.window.showTextDocument(board, vscode.ViewColumn.One);
    await until('sm8550-mtp analysed', () => /sm8550-mtp \$\((pass|error|warning)/.test(a.status().text) || undefined, 120_000)
      .catch((e) => { throw new Error(`${e.message}: status bar "${a.status().text}"`); });
    soc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(QCOM, 'sm8550.dtsi')));
    const ed = await vscode.window.showTextDocument(soc, vscode.ViewColumn.One);
    const at = positionOf(soc, 'apps_smmu: iommu@15000000', 12);
    ed.selection = new vscode.Selection(at, at);
    ed.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
    // the context's analysis is done (the status bar says so)
    await until('sm8550.dtsi in sm8550-mtp', () => /in sm8550-mtp \$\((pass|error|warning)/.test(a.status().text) || undefined, 120_000)
      .catch((e) => { throw new Error(`${e.message}: status bar "${a.status().text}"`); });
  });

  test('apps_smmu: layered, wrapped, no overlapping labels, titled by the node', async function () {
    this.timeout(120_000);
    const t0 = Date.now();
    await vscode.commands.executeCommand('dts.showSupplierGraph');
    const m = await until('graph metrics', () => {
      const x = a.graphMetrics();
      return x && x.at > t0 && x.focus === SMMU && x.nodes > 1 ? x : undefined;
    }, 60_000);
    await sleep(500);
    await screenshot('graph-apps-smmu');
    assert.ok(m.nodes >= 20, `nodes: ${m.nodes}`);
    assert.ok(m.aspect > 0.35 && m.aspect < 4, `aspect ratio ${m.aspect.toFixed(2)} (${Math.round(m.width)} x ${Math.round(m.height)})`);
    assert.equal(m.overlaps, 0, 'overlapping labels');
    assert.ok(m.layers >= 2 && m.rows > m.layers, `layers ${m.layers}, rows ${m.rows}: the consumers wrap into a block`);
    assert.ok(m.zoom >= 0.3, `zoom ${m.zoom}: readable`);
    assert.equal(m.title, 'Suppliers: apps_smmu');
  });

  test('the view is the same when its tab is shown again', async () => {
    const before = a.graphMetrics();
    // another editor in the graph's group hides the webview
    const other = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(QCOM, 'sm8550-mtp.dts')));
    await vscode.window.showTextDocument(other, { viewColumn: vscode.ViewColumn.Two, preview: false });
    await sleep(800);
    assert.ok(a.revealGraph());
    await sleep(800);
    const t1 = Date.now();
    a.measureGraph();
    const m = await until('metrics after showing again', () => {
      const x = a.graphMetrics();
      return x && x.at > t1 ? x : undefined;
    });
    await screenshot('graph-shown-again');
    assert.equal(m.nodes, before.nodes);
    assert.equal(m.focus, SMMU);
    assert.equal(m.overlaps, 0);
  });

  test('a reloaded webview comes back with its saved view (focus, hops, filters)', async () => {
    const before = a.graphMetrics();
    const t1 = Date.now();
    await vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
    const m = await until('metrics after the webview reloaded', () => {
      const x = a.graphMetrics();
      return x && x.at > t1 && x.nodes > 0 ? x : undefined;
    }, 30_000);
    await screenshot('graph-reloaded');
    assert.equal(m.focus, SMMU);
    assert.equal(m.nodes, before.nodes);
    assert.equal(m.title, 'Suppliers: apps_smmu');
  });

  test('an edit adding a consumer updates the graph', async function () {
    this.timeout(120_000);
    const before = a.graphMetrics();
    const at = positionOf(soc, '\t\tapps_smmu: iommu@15000000');
    const we = new vscode.WorkspaceEdit();
    we.insert(soc.uri, at, '\t\te2e_dev: e2e-device@1 {\n\t\t\treg = <0 0x1 0 0x1>;\n\t\t\tiommus = <&apps_smmu 0x7ff 0x0>;\n\t\t};\n\n');
    const t1 = Date.now();
    await keepOnDisk(soc.uri.fsPath, async () => {
      assert.ok(await vscode.workspace.applyEdit(we));
      const m = await until('graph after the edit', () => {
        const x = a.graphMetrics();
        return x && x.at > t1 && x.nodes === before.nodes + 1 ? x : undefined;
      }, 60_000).catch((e) => { throw new Error(`${e.message}: before ${JSON.stringify(before)}, now ${JSON.stringify(a.graphMetrics())}`); });
      await screenshot('graph-after-edit');
      assert.equal(m.overlaps, 0);
    });
  });
});
