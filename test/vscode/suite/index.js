// Test runner loaded by the VS Code extension host (--extensionTestsPath): runs the mocha
// suites of this folder and writes the outcome to $DTS_E2E_RESULT for scripts/vscode-shim.js.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

function run() {
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false });
  for (const f of fs.readdirSync(__dirname).sort()) if (f.endsWith('.test.js')) mocha.addFile(path.join(__dirname, f));
  const tests = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passes = tests.filter((t) => t.state === 'passed').length;
      if (process.env.DTS_E2E_RESULT) {
        fs.writeFileSync(process.env.DTS_E2E_RESULT, JSON.stringify({ failures, passes, tests }));
      }
      if (failures > 0) reject(new Error(`${failures} tests failed.`));
      else resolve();
    });
    runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('fail', (t, err) => tests.push({ title: t.fullTitle(), state: 'failed', error: String(err && err.stack ? err.stack : err).slice(0, 2000) }));
  });
}

module.exports = { run };
