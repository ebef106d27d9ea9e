#!/usr/bin/env node
// A stand-in for the VS Code executable, for @vscode/test-electron's runTests({ vscodeExecutablePath }).
// No desktop VS Code can be downloaded on these machines, so this starts VS Code's own server
// (lib/vscode/out/server-main.js from the code-server npm package, see scripts/vscode-setup.sh) and
// opens the workbench in Debian's headless Chromium with a `payload` that names the extension under
// development and the test runner; the extension host is a real node extension host.
// The test runner (test/vscode/suite/index.js) writes its result to $DTS_E2E_RESULT; the shim exits with
// its failure count (0 = pass) and kills both process groups.
// Screenshots: a test writes NAME.req into $DTS_E2E_SHOTS_REQ; the shim captures the browser window
// through the DevTools protocol (the `ws` package that ships with the VS Code server) into
// $DTS_E2E_SCREENSHOTS/NAME.png (default out/screenshots) and answers with NAME.done.
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
    DTS_E2E_SHOTS_REQ: path.join(tmp, 'shots'),
  };
  fs.mkdirSync(env.DTS_E2E_SHOTS_REQ, { recursive: true });
  const shotsOut = process.env.DTS_E2E_SCREENSHOTS || path.resolve(__dirname, '..', 'out', 'screenshots');
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
      '--remote-debugging-port=0', '--window-size=1600,1000', url,
    ], { env, detached: true, stdio: 'ignore' });
    console.log(`vscode-shim: VS Code server on port ${port} (${Date.now() - t0} ms); workbench opened in headless Chromium`);
    const deadline = Date.now() + TIMEOUT_MS;
    while (Date.now() < deadline) {
      await serveScreenshots(env.DTS_E2E_SHOTS_REQ, shotsOut, path.join(tmp, 'chromium'), base, main);
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

/** Answer the screenshot requests waiting in reqDir (each NAME.req gets NAME.png in outDir and NAME.done). */
async function serveScreenshots(reqDir, outDir, chromeProfile, base, serverMainPath) {
  let reqs;
  try { reqs = fs.readdirSync(reqDir).filter((f) => f.endsWith('.req')); } catch { return; }
  for (const r of reqs) {
    const name = r.slice(0, -4).replace(/[^\w.-]/g, '_');
    let answer = '';
    try {
      fs.mkdirSync(outDir, { recursive: true });
      const png = await captureScreenshot(chromeProfile, base, serverMainPath);
      const file = path.join(outDir, `${name}.png`);
      fs.writeFileSync(file, png);
      answer = file;
      console.log(`vscode-shim: screenshot ${file}`);
    } catch (e) {
      answer = `error: ${e && e.message ? e.message : e}`;
    }
    fs.rmSync(path.join(reqDir, r), { force: true });
    fs.writeFileSync(path.join(reqDir, `${name}.done`), answer);
  }
}

function httpJson(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
    }).on('error', reject);
  });
}

/** Page.captureScreenshot of the workbench page, over the DevTools WebSocket. */
async function captureScreenshot(chromeProfile, base, serverMainPath) {
  const portFile = path.join(chromeProfile, 'DevToolsActivePort');
  const port = fs.readFileSync(portFile, 'utf8').split('\n')[0].trim();
  const pages = await httpJson(`http://127.0.0.1:${port}/json/list`);
  const page = pages.find((p) => p.type === 'page' && p.url.startsWith(base)) || pages.find((p) => p.type === 'page');
  if (!page) throw new Error('no page to capture');
  const WebSocket = require(require.resolve('ws', { paths: [path.dirname(serverMainPath)] }));
  const sock = new WebSocket(page.webSocketDebuggerUrl, { perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  await new Promise((resolve, reject) => { sock.once('open', resolve); sock.once('error', reject); });
  try {
    const data = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('screenshot timed out')), 20_000);
      sock.on('message', (m) => {
        const msg = JSON.parse(String(m));
        if (msg.id !== 1) return;
        clearTimeout(timer);
        if (msg.error) reject(new Error(msg.error.message));
        else resolve(msg.result.data);
      });
      sock.send(JSON.stringify({ id: 1, method: 'Page.captureScreenshot', params: { format: 'png' } }));
    });
    return Buffer.from(data, 'base64');
  } finally {
    sock.close();
  }
}

main().then((code) => process.exit(code), (e) => { console.error(e); process.exit(2); });
