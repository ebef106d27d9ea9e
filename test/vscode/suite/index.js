// Test runner loaded by the VS Code extension host (--extensionTestsPath): runs the mocha
// suites of this folder and writes the outcome to $DTS_E2E_RESULT for scripts/vscode-shim.js.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function report(result) {
  if (process.env.DTS_E2E_RESULT) fs.writeFileSync(process.env.DTS_E2E_RESULT, JSON.stringify(result));
}

async function run() {
  const tests = [];
  try {
    const vscode = require('vscode');
    // the tests edit documents and revert them: nothing may reach the disk (VS Code in a browser saves after a delay by default)
    await vscode.workspace.getConfiguration('files').update('autoSave', 'off', true);
    // no "open the git repository in the parent folder?" notification over the screenshots
    await vscode.workspace.getConfiguration('git').update('openRepositoryInParentFolders', 'never', true).then(undefined, () => undefined);
    const m = require('mocha');
    const Mocha = typeof m === 'function' ? m : m.Mocha || m.default; // mocha 11 (CJS) or 12 (ESM)
    const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false });
    for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
    await mocha.loadFilesAsync();
    const failures = await new Promise((resolve) => {
      const runner = mocha.run((n) => resolve(n));
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
      runner.on('fail', (t, err) => tests.push({ title: t.fullTitle(), state: 'failed', error: String(err && err.stack ? err.stack : err).slice(0, 2000) }));
    });
    report({ failures, passes: tests.filter((t) => t.state === 'passed').length, tests });
    if (failures > 0) throw new Error(`${failures} tests failed.`);
  } catch (e) {
    if (!tests.some((t) => t.state === 'failed')) {
      report({ failures: 1, passes: 0, tests: [...tests, { title: 'suite setup', state: 'failed', error: String(e && e.stack ? e.stack : e) }] });
    }
    throw e;
  }
}

module.exports = { run };
