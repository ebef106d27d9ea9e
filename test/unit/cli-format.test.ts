// bin/dts-format: print (default), --check (exit 1 and the names of unformatted files), --write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REPO = path.resolve(__dirname, '../../..');
const BIN = path.join(REPO, 'bin/dts-format');
const FIX = path.join(REPO, 'test/fixtures/format');
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('dts-format prints, checks and writes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-format-'));
  try {
    const f = path.join(dir, 'board.dts');
    fs.copyFileSync(path.join(FIX, 'linux-in.dts'), f);
    const expected = fs.readFileSync(path.join(FIX, 'linux-out.dts'), 'utf8');
    let r = run('--flavour', 'linux', f);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected);
    r = run('--check', f);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, `${f}\n`);
    r = run('--write', f);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(fs.readFileSync(f, 'utf8'), expected);
    r = run('--check', f);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, '');
    // refused (unbalanced braces), missing file, bad usage: status 2
    fs.writeFileSync(path.join(dir, 'bad.dts'), '/ {\n');
    r = run('--check', path.join(dir, 'bad.dts'));
    assert.equal(r.status, 2);
    assert.match(r.stderr, /not formatted: 1 unclosed brace/);
    assert.equal(run(path.join(dir, 'missing.dts')).status, 2);
    assert.equal(run('--check', '--write', f).status, 2);
    assert.equal(run('--flavour', 'vxworks', f).status, 2);
    assert.equal(run().status, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
