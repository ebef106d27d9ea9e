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
