// The VS Code end-to-end suite (test/vscode/suite, run by scripts/vscode-test.js in a real
// VS Code extension host) as a node:test. Heavy (installs code-server on first use), so it
// runs only with DTS_E2E_VSCODE=1.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO } from './lsp-client';

test('VS Code: diagnostics, hover and definition in a real extension host', { timeout: 900_000 }, (t) => {
  if (process.env.DTS_E2E_VSCODE !== '1') {
    t.skip('set DTS_E2E_VSCODE=1 to run the VS Code end-to-end suite (VS Code server + headless Chromium)');
    return;
  }
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts/vscode-test.js')], { cwd: REPO, encoding: 'utf8', timeout: 880_000 });
  t.diagnostic(`vscode suite: ${Date.now() - t0} ms`);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /\b[5-9]\d* passing, 0 failing|\b\d{2,} passing, 0 failing/);
  assert.match(r.stdout, /ok {3}Devicetree extension Explain Probe Order opens the probe report of the node at the cursor/);
});
