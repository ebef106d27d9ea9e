// bin/dts-check as a user's CI runs it: a real process, exit codes, the three formats.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fixture, REPO_ROOT } from '../util/paths';

const BIN = path.join(REPO_ROOT, 'bin/dts-check');

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: REPO_ROOT });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('clean file: no output, exit 0', () => {
  const r = run([fixture('cli/clean.dts')]);
  assert.equal(r.stderr, '');
  assert.equal(r.stdout, '');
  assert.equal(r.code, 0);
});

test('text format: file:line:col: severity: message [code], exit 1 on error', () => {
  const r = run([fixture('cli/unresolved.dts')]);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^test\/fixtures\/cli\/unresolved\.dts:5:23: error: .*nosuchlabel.* \[unresolved-reference\]$/);
});

test('json format: 0-based LSP positions', () => {
  const r = run(['--format', 'json', fixture('cli/unresolved.dts')]);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.stdout);
  assert.equal(j.diagnostics.length, 1);
  const d = j.diagnostics[0];
  assert.equal(d.file, fixture('cli/unresolved.dts'));
  assert.equal(d.code, 'unresolved-reference');
  assert.equal(d.severity, 'error');
  assert.deepEqual(d.range, { start: { line: 4, character: 22 }, end: { line: 4, character: 34 } });
  assert.deepEqual(d.related, []);
});

test('sarif format: SARIF 2.1.0 with rule ids and 1-based regions', () => {
  const r = run(['--format=sarif', fixture('cli/unresolved.dts')]);
  assert.equal(r.code, 1);
  const s = JSON.parse(r.stdout);
  assert.equal(s.version, '2.1.0');
  const res = s.runs[0].results;
  assert.equal(res.length, 1);
  assert.equal(res[0].ruleId, 'unresolved-reference');
  assert.equal(res[0].level, 'error');
  assert.deepEqual(res[0].locations[0].physicalLocation.region, { startLine: 5, startColumn: 23, endLine: 5, endColumn: 35 });
  assert.equal(s.runs[0].tool.driver.rules[0].id, 'unresolved-reference');
});

test('--define selects a preprocessor branch', () => {
  assert.equal(run([fixture('cli/with-define.dts')]).code, 1);
  assert.equal(run(['--define', 'BOARD_REV2', fixture('cli/with-define.dts')]).code, 0);
  assert.equal(run(['-DBOARD_REV2=1', fixture('cli/with-define.dts')]).code, 0);
});

test('--severity turns a code off or down', () => {
  const off = run(['--severity', 'unresolved-reference=off', fixture('cli/unresolved.dts')]);
  assert.equal(off.code, 0);
  assert.equal(off.stdout, '');
  const warn = run(['--severity', 'unresolved-reference=warning', fixture('cli/unresolved.dts')]);
  assert.equal(warn.code, 0);
  assert.match(warn.stdout, /: warning: /);
});

test('usage and I/O failures exit 2', () => {
  assert.equal(run([]).code, 2);
  assert.equal(run(['--format', 'xml', fixture('cli/clean.dts')]).code, 2);
  assert.equal(run(['--bogus', fixture('cli/clean.dts')]).code, 2);
  const missing = run([fixture('cli/does-not-exist.dts')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
});

test('--emit-dts prints DTS', () => {
  const r = run(['--emit-dts', fixture('cli/clean.dts')]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^\/dts-v1\/;/);
  assert.match(r.stdout, /interrupt-controller@1000 \{/);
  assert.match(r.stdout, /#interrupt-cells = <0x1>;|#interrupt-cells = <1>;/);
});

test('one board runs without the optimising compiler, many files with it: one code cache per flag set, both kept', () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-cc-'));
  try {
    const env = { ...process.env, DTS_LSP_CACHE: cache };
    const go = (args: string[]) => spawnSync(process.execPath, [BIN, '--no-bindings', ...args], { encoding: 'utf8', cwd: REPO_ROOT, env });
    const bundled = fs.existsSync(path.join(REPO_ROOT, 'dist/cli/dts-check.js'));
    const names = () => (fs.existsSync(path.join(cache, 'code-cache')) ? fs.readdirSync(path.join(cache, 'code-cache')).sort() : []);
    // one FILE (option values are not files): the quick flag set
    assert.equal(go(['--format', 'json', '-I', 'test', fixture('cli/clean.dts')]).status, 0);
    const one = names();
    if (!bundled) return; // no bundle, no code cache
    assert.equal(one.length, 1);
    assert.match(one[0], /^dts-check-quick-/);
    // two FILEs: the default flags, a cache of its own; the other stays (same build)
    assert.equal(go([fixture('cli/clean.dts'), fixture('cli/clean.dts')]).status, 0);
    const two = names();
    assert.equal(two.length, 2);
    assert.ok(two.some((f) => /^dts-check-v/.test(f)));
    // the quick run again: its cache is accepted (not rewritten)
    const before = fs.statSync(path.join(cache, 'code-cache', one[0])).mtimeMs;
    assert.equal(go([fixture('cli/clean.dts')]).status, 0);
    assert.equal(fs.statSync(path.join(cache, 'code-cache', one[0])).mtimeMs, before);
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});
