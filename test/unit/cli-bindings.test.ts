// The CLI's binding options: zero configuration inside a Linux tree, `--bindings DIR` for a board outside any
// tree (and replacing what is found), `--no-bindings`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/dts-check';
import { fixture } from '../util/paths';

const TREE = fixture('bindings/linux');
const BOARD = path.join(TREE, 'arch/arm64/boot/dts/acme/board.dts');
const LINUX_BINDINGS = path.join(TREE, 'Documentation/devicetree/bindings');

function codes(args: string[]): string[] {
  let out = '';
  // no installed dtschema package is looked for outside a home folder of our own
  const saved = { HOME: process.env.HOME, VIRTUAL_ENV: process.env.VIRTUAL_ENV, DTS_LSP_CACHE: process.env.DTS_LSP_CACHE };
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-bindings-'));
  Object.assign(process.env, { HOME: home, VIRTUAL_ENV: '', DTS_LSP_CACHE: home });
  try {
    main(['--format', 'json', '--no-auto-include', ...args], (s) => { out += s; }, () => undefined);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    fs.rmSync(home, { recursive: true, force: true });
  }
  return (JSON.parse(out) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code).filter((c) => c.startsWith('binding-'));
}

test('cli: bindings found with zero configuration in a Linux tree; --no-bindings turns them off', () => {
  const found = codes([BOARD]);
  assert.ok(found.includes('binding-unknown-property') && found.includes('binding-missing-required'), found.join(' '));
  assert.deepEqual(codes(['--no-bindings', BOARD]), []);
});

test('cli: --bindings DIR validates a board outside any tree, and replaces the bindings found', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-board-'));
  try {
    const lone = path.join(tmp, 'board.dts');
    fs.copyFileSync(BOARD, lone);
    assert.deepEqual(codes([lone]), [], 'no tree, no bindings');
    const withDir = codes(['--bindings', LINUX_BINDINGS, lone]);
    assert.deepEqual(withDir.sort(), codes([BOARD]).sort());
    // a folder of other bindings replaces the tree's own: none of them documents the board's compatibles
    const zephyr = fixture('bindings/zephyr/zephyr/dts/bindings');
    const replaced = codes(['--bindings', zephyr, BOARD]);
    assert.ok(!replaced.includes('binding-unknown-property'), replaced.join(' '));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('cli: a run whose schemas and node findings are cached loads neither ajv nor the yaml package, and no run loads node:crypto (issue 17, cold start)', () => {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const cli = path.join(__dirname, '../../server/src/cli/dts-check.js');
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-lazy-'));
  // one process per run (its own module registry): the packages of node_modules it loaded, and its codes
  const script = `const out = []; const code = require(${JSON.stringify(cli)}).main(['--format', 'json', '--no-auto-include', ${JSON.stringify(BOARD)}], (s) => out.push(s), () => undefined);
    const loaded = [...new Set(Object.keys(require.cache).map((k) => /node_modules\\/(ajv|yaml)\\//.exec(k)?.[1]).filter(Boolean))].sort();
    if (process.moduleLoadList.includes('NativeModule crypto')) loaded.push('node:crypto');
    process.stdout.write(JSON.stringify({ code, loaded, diagnostics: JSON.parse(out.join('')).diagnostics.length }));`;
  // (a script file, not `node -e`: there every built-in module is a global of its own, loaded when looked up)
  const file = path.join(home, 'run.js');
  fs.writeFileSync(file, script);
  const run = (): { code: number; loaded: string[]; diagnostics: number } =>
    JSON.parse(execFileSync(process.execPath, [file], { env: { ...process.env, HOME: home, VIRTUAL_ENV: '', DTS_LSP_CACHE: home } }).toString());
  try {
    // the first run processes the schemas (YAML) and validates every node (ajv); the trees' keys are hashed in
    // JavaScript (base/hash.ts), without node:crypto
    const first = run();
    assert.deepEqual(first.loaded, ['ajv', 'yaml']);
    // the second finds both in the cache: the same output without either package
    const second = run();
    assert.deepEqual(second.loaded, []);
    assert.equal(second.code, first.code);
    assert.equal(second.diagnostics, first.diagnostics);
    assert.ok(second.diagnostics > 0);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
