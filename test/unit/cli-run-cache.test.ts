// bin/dts-check's run cache (server/src/cli/run-cache.ts): a one-board run whose inputs are unchanged prints the
// earlier run's output again without analysing; any changed input (an include edited in place, a new file that
// shadows an include, a binding file, the environment) makes it analyse. To tell a replay from an analysis, the
// tests tamper with the recorded output: only a replay prints the tampered text.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { kernelTreeIfPresent } from '../../scripts/kernel-tree';
import { RACY_MS, RecordingFileSystem, replayRun, RunRecorder, runFile, runKey, saveRun } from '../../server/src/cli/run-cache';
import { fixture, REPO_ROOT } from '../util/paths';

const BIN = path.join(REPO_ROOT, 'bin/dts-check');
const bundled = fs.existsSync(path.join(REPO_ROOT, 'dist/cli/dts-check.js'));

interface Run { code: number | null; stdout: string; stderr: string }

function go(cache: string, args: string[], env: Record<string, string> = {}, cwd = REPO_ROOT): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, env: { ...process.env, DTS_LSP_CACHE: cache, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The records in the cache folder. */
function records(cache: string): string[] {
  const dir = path.join(cache, 'runs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => path.join(dir, f)) : [];
}

/** Replace the recorded stdout of every record by a marker: a replay prints it, an analysis does not. */
function tamper(cache: string, marker: string): number {
  let n = 0;
  for (const f of records(cache)) {
    const r = JSON.parse(fs.readFileSync(f, 'utf8')) as { out: [number, string][] };
    r.out = [[1, marker]];
    fs.writeFileSync(f, JSON.stringify(r));
    n++;
  }
  return n;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A board with an include in a search path, in a fresh folder whose files are past the racy window. */
async function tree(): Promise<{ dir: string; cache: string; board: string; inc: string; early: string; late: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-run-cache-'));
  const cache = path.join(dir, 'cache');
  const early = path.join(dir, 'early');
  const late = path.join(dir, 'late');
  fs.mkdirSync(early);
  fs.mkdirSync(late);
  fs.writeFileSync(path.join(late, 'soc.dtsi'), '/ { soc { uart: serial@1000 { reg = <0x1000 0x100>; }; }; };\n');
  const inc = path.join(dir, 'extra.dtsi');
  fs.writeFileSync(inc, '&uart { clocks = <&missingA>; };\n');
  const board = path.join(dir, 'board.dts');
  fs.writeFileSync(board, '/dts-v1/;\n#include "soc.dtsi"\n#include "extra.dtsi"\n');
  await sleep(RACY_MS + 200);
  return { dir, cache, board, inc, early, late };
}

test('run cache: a record of an unchanged run is replayed byte for byte; an include edited in place is read again', { skip: !bundled && 'not bundled' }, async () => {
  const t = await tree();
  try {
    const args = ['--no-bindings', '-I', t.early, '-I', t.late, t.board];
    const fresh = go(t.cache, ['--no-cache', ...args]);
    assert.equal(fresh.code, 1);
    assert.match(fresh.stdout, /missingA/);
    assert.equal(records(t.cache).length, 0, '--no-cache records nothing');
    // recorded, then replayed: the same bytes and exit code
    const first = go(t.cache, args);
    assert.deepEqual(first, fresh);
    assert.equal(records(t.cache).length, 1);
    const again = go(t.cache, args);
    assert.deepEqual(again, fresh);
    // the replay is what printed it
    assert.equal(tamper(t.cache, 'REPLAYED\n'), 1);
    assert.equal(go(t.cache, args).stdout, 'REPLAYED\n');
    // the include edited in place: the same size, and its modification time put back; its change time moved
    const st = fs.statSync(t.inc);
    fs.writeFileSync(t.inc, '&uart { clocks = <&missingB>; };\n');
    fs.utimesSync(t.inc, st.atime, st.mtime);
    assert.equal(fs.statSync(t.inc).size, st.size);
    const edited = go(t.cache, args);
    assert.equal(edited.code, 1);
    assert.match(edited.stdout, /missingB/);
    assert.doesNotMatch(edited.stdout, /REPLAYED/);
  } finally {
    fs.rmSync(t.dir, { recursive: true, force: true });
  }
});

test('run cache: a new file that shadows an include, another environment or working folder: analysed again', { skip: !bundled && 'not bundled' }, async () => {
  const t = await tree();
  try {
    const args = ['--no-bindings', '-I', t.early, '-I', t.late, t.board];
    go(t.cache, args);
    assert.equal(tamper(t.cache, 'REPLAYED\n'), 1);
    assert.equal(go(t.cache, args).stdout, 'REPLAYED\n');
    // the environment the CLI reads, and the working folder (paths are printed relative to it)
    assert.doesNotMatch(go(t.cache, args, { KBUILD_OUTPUT: t.dir }).stdout, /REPLAYED/);
    assert.doesNotMatch(go(t.cache, args, {}, t.dir).stdout, /REPLAYED/);
    assert.equal(go(t.cache, args).stdout, 'REPLAYED\n');
    // soc.dtsi now also in the earlier search folder: cpp takes that one
    fs.writeFileSync(path.join(t.early, 'soc.dtsi'), '/ { soc { uart: serial@2000 { reg = <0x2000 0x100>; }; }; };\n');
    const shadowed = go(t.cache, ['--emit-dts', ...args]);
    assert.match(shadowed.stdout, /serial@2000/);
    const r = go(t.cache, args);
    assert.doesNotMatch(r.stdout, /REPLAYED/);
    assert.match(r.stdout, /missingA/);
  } finally {
    fs.rmSync(t.dir, { recursive: true, force: true });
  }
});

/** A copy of the bindings fixture's Linux tree in a fresh folder: its board, a cache folder and an environment of its own. */
function linuxCopy(prefix: string): { dir: string; linux: string; cache: string; board: string; env: Record<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const linux = path.join(dir, 'linux');
  fs.cpSync(fixture('bindings/linux'), linux, { recursive: true });
  return { dir, linux, cache: path.join(dir, 'cache'), board: path.join(linux, 'arch/arm64/boot/dts/acme/board.dts'), env: { HOME: dir, VIRTUAL_ENV: '' } };
}

test('run cache: a binding file edited in place is noticed', { skip: !bundled && 'not bundled' }, async () => {
  const { dir, linux, cache, board, env } = linuxCopy('dts-run-cache-b-');
  try {
    await sleep(RACY_MS + 200);
    const args = ['--format', 'json', '--no-auto-include', board];
    const fresh = go(cache, ['--no-cache', ...args], env);
    assert.match(fresh.stdout, /binding-/);
    assert.deepEqual(go(cache, args, env), fresh);
    assert.equal(tamper(cache, 'REPLAYED\n'), 1);
    assert.equal(go(cache, args, env).stdout, 'REPLAYED\n');
    const yaml = fs.readdirSync(path.join(linux, 'Documentation/devicetree/bindings'), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.yaml'));
    assert.ok(yaml);
    const file = path.join(linux, 'Documentation/devicetree/bindings', yaml);
    fs.appendFileSync(file, '# edited\n');
    const r = go(cache, args, env);
    assert.doesNotMatch(r.stdout, /REPLAYED/);
    assert.deepEqual(JSON.parse(r.stdout), JSON.parse(fresh.stdout));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('run cache: a kernel board replayed prints exactly what an analysis prints (bindings on and off)', { skip: !bundled && 'not bundled' }, (t) => {
  const kernel = kernelTreeIfPresent();
  if (!kernel) { t.skip('Linux 6.12 sources not extracted'); return; }
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-run-cache-k-'));
  try {
    // the processed bindings of the user's cache, if any (processing the kernel's takes seconds)
    const userCache = process.env.DTS_LSP_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dts-lsp');
    if (fs.existsSync(path.join(userCache, 'bindings'))) fs.cpSync(path.join(userCache, 'bindings'), path.join(cache, 'bindings'), { recursive: true });
    const board = path.join(kernel, 'arch/arm64/boot/dts/qcom/sm8550-mtp.dts');
    for (const extra of [[], ['--no-bindings'], ['--format', 'sarif']]) {
      const fresh = go(cache, ['--no-cache', ...extra, board]);
      if (extra.length === 0) assert.match(fresh.stdout, /\[binding-/);
      assert.deepEqual(go(cache, [...extra, board]), fresh, 'recorded');
      assert.deepEqual(go(cache, [...extra, board]), fresh, 'replayed');
    }
    assert.equal(records(cache).length, 3);
    assert.equal(tamper(cache, 'REPLAYED\n'), 3);
    assert.equal(go(cache, [board]).stdout, 'REPLAYED\n');
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
});

test('run cache: a run that read a file changed within the racy window, or saw a file change, is not recorded', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-run-cache-u-'));
  try {
    const f = path.join(dir, 'a.dtsi');
    fs.writeFileSync(f, 'x');
    const key = runKey(['a'], 'code');
    const rec = new RunRecorder();
    const rfs = new RecordingFileSystem(rec);
    assert.equal(rfs.readFile(f).ok, true);
    assert.equal(rfs.stat(path.join(dir, 'none.h')), 'missing');
    const out: [1 | 2, string][] = [[1, 'out\n'], [2, 'err\n']];
    // just written: racy
    assert.equal(saveRun(dir, key, rec, out, 1), 'racy');
    assert.equal(fs.existsSync(runFile(dir, key)), false);
    // later: recorded, and replayed in order, with its exit code
    assert.equal(saveRun(dir, key, rec, out, 1, Date.now() + RACY_MS + 1000), undefined);
    const seen: [number, string][] = [];
    assert.equal(replayRun(dir, key, (s, text) => seen.push([s, text])), 1);
    assert.deepEqual(seen, out);
    // another key, or a probed path that now exists: no replay, nothing written
    assert.equal(replayRun(dir, runKey(['b'], 'code'), () => assert.fail('written')), undefined);
    fs.writeFileSync(path.join(dir, 'none.h'), '');
    assert.equal(replayRun(dir, key, () => assert.fail('written')), undefined);
    // usage failures and runs whose output depends on the clock are not recorded
    assert.equal(saveRun(dir, key, new RunRecorder(), out, 2, Date.now() + 10_000), 'exit 2');
    const timed = new RunRecorder();
    timed.unstable = true;
    assert.equal(saveRun(dir, key, timed, out, 0, Date.now() + 10_000), 'unstable');
    // a run that saw a file change (two answers to one question) is never replayed
    const changing = new RunRecorder();
    changing.note('s', f, 'file');
    changing.note('s', f, 'missing');
    assert.equal(saveRun(dir, key, changing, out, 0, Date.now() + 10_000), undefined);
    assert.equal(replayRun(dir, key, () => assert.fail('written')), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an analysing run (--no-cache) in a Linux tree sees a binding edited in place: the bindings\' times the launcher\'s worker read are the files\' own', { skip: !bundled && 'not bundled' }, async () => {
  const { dir, linux, cache, board, env } = linuxCopy('dts-prefetch-');
  try {
    const args = ['--no-cache', '--format', 'json', '--no-auto-include', board];
    const turbo = (r: Run): boolean => (JSON.parse(r.stdout) as { diagnostics: { message: string }[] }).diagnostics.some((d) => d.message.includes('"turbo" is not allowed'));
    assert.ok(turbo(go(cache, args, env)));
    // the widget's binding now allows "turbo" (edited in place; its time moved on)
    const yaml = path.join(linux, 'Documentation/devicetree/bindings/acme/acme,widget.yaml');
    fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace('enum: [fast, slow]', 'enum: [fast, slow, turbo]'));
    const later = new Date(Date.now() + 10_000);
    fs.utimesSync(yaml, later, later);
    const after = go(cache, args, env);
    assert.ok(!turbo(after));
    // what a run with an empty cache reports
    assert.deepEqual(JSON.parse(after.stdout), JSON.parse(go(path.join(dir, 'cache2'), args, env).stdout));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
