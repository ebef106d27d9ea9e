#!/usr/bin/env node
// Runs the VS Code end-to-end suite (test/vscode/suite) with @vscode/test-electron's runTests,
// using scripts/vscode-shim.js as the VS Code executable (VS Code server + headless Chromium;
// see scripts/vscode-setup.sh, which installs them into a cache outside the repo).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { runTests } = require('@vscode/test-electron');

const root = path.resolve(__dirname, '..');

/** The extracted Linux sources (the graph test on sm8550-mtp skips without them). */
function kernelTree() {
  try {
    return require(path.join(root, 'out/scripts/kernel-tree.js')).kernelTreeIfPresent() || '';
  } catch {
    return '';
  }
}

async function main() {
  if (!process.env.VSCODE_SERVER_MAIN) {
    const out = execFileSync('bash', [path.join(root, 'scripts/vscode-setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    process.env.VSCODE_SERVER_MAIN = out.trim().split('\n').pop();
  }
  if (!fs.existsSync(path.join(root, 'dist/client/extension.js'))) {
    execFileSync(process.execPath, [path.join(root, 'scripts/build.js')], { stdio: 'inherit' });
  }
  const t0 = Date.now();
  await runTests({
    vscodeExecutablePath: path.join(root, 'scripts/vscode-shim.js'),
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'test/vscode/suite/index.js'),
    launchArgs: [path.join(root, 'test/fixtures/lsp')],
    extensionTestsEnv: { VSCODE_SERVER_MAIN: process.env.VSCODE_SERVER_MAIN, DTS_E2E_KERNEL: kernelTree() },
    reuseMachineInstall: true,
  });
  console.log(`vscode-test: passed in ${Date.now() - t0} ms`);
}

main().catch((e) => {
  console.error(`vscode-test: ${e && e.message ? e.message : e}`);
  process.exit(1);
});
