// The probe report over LSP: the kernel settings (devicetree.kernelConfig, kernelCommandLine)
// change the diagnostics and the predictions; dts/explainProbeOrder (the Explain Probe Order
// command) and the hover's probe section answer for the node at the cursor.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspClient, REPO, positionOf, uriOf } from './lsp-client';

const ORACLE = path.join(REPO, 'test/oracle');
const CASE = path.join(ORACLE, 'h1-deadlock-supply/case.dts');

async function withServer(settings: unknown, fn: (c: LspClient) => Promise<void>): Promise<void> {
  const c = new LspClient();
  c.settings = settings;
  try {
    await c.initialize(ORACLE);
    await fn(c);
  } finally {
    await c.shutdown();
  }
}

test('lsp: the kernel command line setting changes the diagnostics and the Explain Probe Order answer', async () => {
  const kernelConfig = path.join(ORACLE, 'kernel.config');
  await withServer({ kernelConfig }, async (c) => {
    await c.open(CASE);
    const diags = await c.waitForDiagnostics(CASE, (d) => d.some((x) => x.code === 'iommu-probe-deadlock'));
    assert.equal(diags.filter((x) => x.code === 'iommu-probe-deadlock').length, 2);
    const at = { textDocument: { uri: uriOf(CASE) }, position: positionOf(CASE, 'reg-smmu {') };
    const ex = await c.request<{ node: string; outcome: string; iommu: string | null; markdown: string } | null>('dts/explainProbeOrder', at);
    assert.ok(ex);
    assert.equal(ex!.node, '/reg-smmu');
    assert.equal(ex!.outcome, 'probes-untranslated');
    assert.match(ex!.markdown, /kernel\.config \(given\); command line: empty/);
    const hover = await c.request<Hover | null>('textDocument/hover', at);
    assert.match(JSON.stringify(hover), /Probe \(Linux 6\.12\):\*\* probes untranslated/);
    // nothing to explain outside a device node
    assert.equal(await c.request('dts/explainProbeOrder', { textDocument: { uri: uriOf(CASE) }, position: { line: 0, character: 0 } }), null);
  });
  await withServer({ kernelConfig, kernelCommandLine: 'fw_devlink.strict=1' }, async (c) => {
    await c.open(CASE);
    const diags = await c.waitForDiagnostics(CASE);
    // under fw_devlink.strict=1 the real kernel relaxes the cycle and both probe (test/oracle/d-strict-deadlock-supply)
    assert.equal(diags.filter((x) => x.code === 'iommu-probe-deadlock').length, 0, JSON.stringify(diags));
    const ex = await c.request<{ outcome: string; iommu: string | null; markdown: string } | null>('dts/explainProbeOrder', { textDocument: { uri: uriOf(CASE) }, position: positionOf(CASE, 'reg-smmu {') });
    assert.equal(ex!.outcome, 'probes');
    assert.equal(ex!.iommu, '/smmuv3@9050000');
    assert.match(ex!.markdown, /command line: "fw_devlink.strict=1" \(the devicetree.kernelCommandLine setting\)/);
  });
});
