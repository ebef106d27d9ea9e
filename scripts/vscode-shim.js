#!/usr/bin/env node
// A stand-in for the VS Code executable, for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// No desktop VS Code can be downloaded on these machines, so this starts VS Code's own server
// (lib/vscode/out/server-main.js from the code-server npm package, see scripts/vscode-setup.sh) and
// opens the workbench in Debian's headless Chromium with a `payload` that names the extension under
// development and the test runner; the extension host is a real node extension host.
// The test runner (test/vscode/suite/index.js) writes its result to $DTS_E2E_RESULT; the shim exits with
// its failure count (0 = pass) and kills both process groups.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const TIMEOUT_MS = Number(process.env.DTS_E2E_TIMEOUT_MS || 180_000);

function arg(name) {
  const p = `--${name}=`;
  const a = process.argv.find((x) => x.startsWith(p));
  return a ? a.slice(p.length) : undefined;
}

function serverMain() {
  if (process.env.VSCODE_SERVER_MAIN) return process.env.VSCODE_SERVER_MAIN;
  const cache = process.env.DTS_LSP_CACHE || path.join(os.homedir(), '.cache/dts-lsp');
  return path.join(cache, `code-server-${process.env.CODE_SERVER_VERSION || '4.100.3'}`, 'node_modules/code-server/lib/vscode/out/server-main.js');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve(res.statusCode !== undefined && res.statusCode < 500); });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => { req.destroy(); resolve(false); });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function killGroup(child) {
  if (!child || child.exitCode !== null) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
}

async function main() {
  const testsPath = arg('extensionTestsPath');
  const devPath = arg('extensionDevelopmentPath');
  if (!testsPath || !devPath) {
    console.error('vscode-shim: --extensionTestsPath and --extensionDevelopmentPath are required');
    return 2;
  }
  const folder = process.argv.slice(2).filter((a) => !a.startsWith('-')).pop();
  const main = serverMain();
  if (!fs.existsSync(main)) {
    console.error(`vscode-shim: ${main} not found; run scripts/vscode-setup.sh`);
    return 2;
  }
  const chromium = process.env.CHROMIUM || ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => fs.existsSync(p));
  if (!chromium) {
    console.error('vscode-shim: no chromium; run scripts/vscode-setup.sh');
    return 2;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-vscode-'));
  const result = path.join(tmp, 'result.json');
  const port = await freePort();
  const env = {
    ...process.env,
    HOME: path.join(tmp, 'home'),
    XDG_CONFIG_HOME: path.join(tmp, 'config'),
    XDG_DATA_HOME: path.join(tmp, 'data'),
    XDG_CACHE_HOME: path.join(tmp, 'cache'),
    DTS_E2E_RESULT: result,
  };
  for (const d of ['home', 'config', 'data', 'cache']) fs.mkdirSync(path.join(tmp, d), { recursive: true });
  const t0 = Date.now();
  const server = spawn(process.execPath, [
    main, '--host', '127.0.0.1', '--port', String(port), '--without-connection-token', '--accept-server-license-terms',
    '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust',
    '--user-data-dir', path.join(tmp, 'user-data'), '--server-data-dir', path.join(tmp, 'server-data'), '--extensions-dir', path.join(tmp, 'extensions'),
  ], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  let browser;
  const cleanup = () => {
    killGroup(browser);
    killGroup(server);
  };
  process.on('SIGINT', () => { cleanup(); process.exit(130); });
  process.on('SIGTERM', () => { cleanup(); process.exit(143); });
  try {
    const base = `http://127.0.0.1:${port}`;
    let up = false;
    for (let i = 0; i < 300 && !up; i++) {
      if (server.exitCode !== null) break;
      up = await httpOk(`${base}/version`);
      if (!up) await sleep(100);
    }
    if (!up) {
      console.error(`vscode-shim: VS Code server did not start\n${serverLog}`);
      return 2;
    }
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', remote(path.resolve(devPath))],
      ['extensionTestsPath', remote(path.resolve(testsPath))],
    ]);
    const url = `${base}/?${folder ? `folder=${encodeURIComponent(path.resolve(folder))}&` : ''}payload=${encodeURIComponent(payload)}`;
    browser = spawn(chromium, [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', `--user-data-dir=${path.join(tmp, 'chromium')}`,
      '--remote-debugging-port=0', url,
    ], { env, detached: true, stdio: 'ignore' });
    console.log(`vscode-shim: VS Code server on port ${port} (${Date.now() - t0} ms); workbench opened in headless Chromium`);
    const deadline = Date.now() + TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (fs.existsSync(result)) {
        await sleep(100);
        const r = JSON.parse(fs.readFileSync(result, 'utf8'));
        console.log(`vscode-shim: tests finished in ${Date.now() - t0} ms: ${r.passes} passing, ${r.failures} failing`);
        for (const t of r.tests || []) console.log(`  ${t.state === 'passed' ? 'ok  ' : 'FAIL'} ${t.title}${t.error ? `\n       ${t.error}` : ''}`);
        return r.failures === 0 && r.passes > 0 ? 0 : 1;
      }
      if (server.exitCode !== null) {
        console.error(`vscode-shim: VS Code server exited (${server.exitCode})\n${serverLog}`);
        return 2;
      }
      await sleep(200);
    }
    console.error(`vscode-shim: no test result within ${TIMEOUT_MS} ms\n${serverLog.slice(-4000)}`);
    return 3;
  } finally {
    cleanup();
    try { fs.rmSync(tmp, { recursive: true, force: true }); } catch { /* best effort */ }
  }
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(2); });
