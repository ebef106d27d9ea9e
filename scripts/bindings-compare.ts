// npm run bindings-compare: our binding validation against dt-schema's dt-validate (the tool `make dtbs_check`
// runs), over a sample of Linux 6.12 arm64 boards. Both sides must report the same (node, property, kind);
// every difference is listed. Also times the first validation of qcom/sm8550-mtp against dt-validate in the
// same run.
//
//   npm run bindings-compare [-- --sample eval|eval2|dev|all] [--core dtschema|builtin] [--limit N] [--out FILE] [--no-timing] [--timing-only] [--rounds N]
//
// Needs dt-schema (../shared/tools/dt-schema-*, or $DTSCHEMA_DIR) and Debian's python3 with python3-ruamel.yaml,
// python3-jsonschema, python3-rfc3987, python3-libfdt; skips (exit 0) without them. dt-validate runs under
// nice, one process for all boards.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../server/src/analysis';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { BindingsHost } from '../server/src/bindings';
import { MemoryBindingsCache } from '../server/src/bindings/cache';
import { codeFor } from '../server/src/bindings/linux/messages';
import { arm64Boards, CACHE_DIR, cppArgs, ensureKernelBindings, ensureKernelTree } from './kernel-tree';
import { compareZephyr } from './bindings-compare-zephyr';

const REPO = path.resolve(__dirname, '../..');
const PYTHON = '/usr/bin/python3';

/** Boards looked at while developing the validator: never part of the evaluation sample. */
export const TUNING_BOARDS = [
  'qcom/sm8550-mtp', 'qcom/sc7280-herobrine-evoker', 'renesas/r8a779f0-spider', 'freescale/imx8mp-evk', 'rockchip/rk3588-evb1-v10',
];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function findDtSchema(): string | undefined {
  const candidates = [process.env.DTSCHEMA_DIR, process.env.DTS_SHARED && path.join(process.env.DTS_SHARED, 'tools'), path.resolve(REPO, '../shared/tools')];
  for (const c of candidates) {
    if (!c || !fs.existsSync(c)) continue;
    if (fs.existsSync(path.join(c, 'dtschema/schemas/types.yaml'))) return c;
    for (const d of fs.readdirSync(c).sort().reverse()) {
      if (d.startsWith('dt-schema') && fs.existsSync(path.join(c, d, 'dtschema/schemas/types.yaml'))) return path.join(c, d);
    }
  }
  return undefined;
}

export function pythonOk(): boolean {
  return spawnSync(PYTHON, ['-c', 'import ruamel.yaml, jsonschema, rfc3987, libfdt'], { stdio: 'ignore' }).status === 0;
}

export interface Key { node: string; property: string; code: string }
const keyString = (k: Key): string => `${k.node}\t${k.property}\t${k.code}`;

export interface PyWarning {
  node: string; property: string | null; validator: string | null; names: string[]; child: string[];
  context: { validator: string }[]; message: string; schema: string | null;
}

/** dt-validate's warning as our (node, property, code) keys. */
export function keysOfDtValidate(w: PyWarning): Key[] {
  const join = (a: string, b: string): string => (a === '/' ? `/${b}` : `${a}/${b}`);
  const v = w.validator;
  if (v === 'generated-compatibles') return [{ node: w.node, property: 'compatible', code: 'binding-unknown-compatible' }];
  if (v === 'required' || v === 'dependentRequired' || v === 'dependencies') {
    return w.names.map((n) => ({ node: w.node, property: n, code: 'binding-missing-required' }));
  }
  if (v === 'additionalProperties' || v === 'unevaluatedProperties') {
    return w.names.map((n) => (w.child.includes(n)
      ? { node: join(w.node, n), property: '', code: 'binding-unexpected-child' }
      : { node: w.node, property: n, code: 'binding-unknown-property' }));
  }
  if (v === null) {
    if (w.property === null) return [{ node: w.node, property: '', code: 'binding-unexpected-child' }];
    return [{ node: w.node, property: w.property, code: 'binding-unknown-property' }];
  }
  const ctx = w.context.map((c) => ({ keyword: c.validator }));
  return [{ node: w.node, property: w.property ?? '', code: codeFor(v, ctx, w.property ?? undefined) }];
}

function selectBoards(kernel: string, which: string): string[] {
  const all = arm64Boards(kernel);
  const base = path.join(kernel, 'arch/arm64/boot/dts');
  const rel = (b: string): string => path.relative(base, b).replace(/\.dts$/, '');
  const tuning = new Set(TUNING_BOARDS);
  const dev = all.filter((_, i) => i % 23 === 11);
  const devSet = new Set(dev);
  if (which === 'dev') return [...dev, ...all.filter((b) => tuning.has(rel(b)))];
  if (which === 'all') return all;
  // evaluation: every 17th board, none of the development sample or the tuning boards
  const evaluation = all.filter((b, i) => i % 17 === 5 && !devSet.has(b) && !tuning.has(rel(b)));
  if (which !== 'eval2') return evaluation;
  // a second evaluation sample: every 10th of the boards in neither sample nor tuned to
  const evalSet = new Set(evaluation);
  return all.filter((b) => !devSet.has(b) && !evalSet.has(b) && !tuning.has(rel(b))).filter((_, i) => i % 10 === 3);
}

function compileDtb(kernel: string, board: string, out: string): string | undefined {
  try {
    const pre = execFileSync('cpp', cppArgs(kernel, board), { maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
    execFileSync('nice', ['-n', '10', 'dtc', '-q', '-I', 'dts', '-O', 'dtb', '-o', out, '-'], { input: pre, stdio: ['pipe', 'ignore', 'ignore'] });
    return out;
  } catch {
    return undefined;
  }
}

function dtValidateShim(dtschema: string): string[] {
  // dt-schema run from its source folder needs its generated version module
  const code = `import sys, types; sys.path.insert(0, ${JSON.stringify(dtschema)}); m = types.ModuleType("dtschema.version"); m.__version__ = "2024.11"; ` +
    `sys.modules.setdefault("dtschema.version", m); sys.argv[0] = "dt-validate"; from dtschema.dtb_validate import main; main()`;
  return ['-c', code];
}

function processedSchema(dtschema: string, bindings: string): string {
  const dir = path.join(CACHE_DIR, 'bindings-compare');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'processed-schema.json');
  if (fs.existsSync(out)) return out;
  makeProcessedSchema(dtschema, bindings, out);
  return out;
}

/** dt-schema's dt-mk-schema: the processed schema of a bindings folder (as `make dtbs_check` makes it). */
export function makeProcessedSchema(dtschema: string, bindings: string, out: string, stdio: 'inherit' | 'ignore' = 'inherit'): void {
  const code = `import sys, types; sys.path.insert(0, ${JSON.stringify(dtschema)}); m = types.ModuleType("dtschema.version"); m.__version__ = "2024.11"; ` +
    `sys.modules.setdefault("dtschema.version", m); sys.argv[0] = "dt-mk-schema"; from dtschema.mk_schema import main; main()`;
  execFileSync('nice', ['-n', '10', PYTHON, '-c', code, '-j', '-o', out, bindings], { stdio });
}

/** dt-validate's warnings for each DTB (scripts/bindings-compare-dtvalidate.py), by DTB path. */
export function runDtValidate(dtschema: string, schema: string, dtbs: string[]): Map<string, { status: string; warnings: PyWarning[] }> {
  const py = spawnSync('nice', ['-n', '10', PYTHON, path.join(REPO, 'scripts/bindings-compare-dtvalidate.py'), dtschema, schema, ...dtbs],
    { maxBuffer: 256 << 20, encoding: 'utf8' });
  const theirs = new Map<string, { status: string; warnings: PyWarning[] }>();
  for (const line of (py.stdout ?? '').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { dtb: string; status: string; warnings: PyWarning[] };
    theirs.set(r.dtb, r);
  }
  return theirs;
}

function main(): void {
  const dtschema = findDtSchema();
  if (!dtschema || !pythonOk()) {
    console.log(`bindings-compare: skipped (${!dtschema ? 'no dt-schema: set DTSCHEMA_DIR or DTS_SHARED' : `${PYTHON} lacks ruamel.yaml/jsonschema/rfc3987/libfdt`})`);
    return;
  }
  const kernel = ensureKernelTree();
  const bindings = ensureKernelBindings();
  const sample = arg('--sample') ?? 'eval';
  const core = arg('--core') ?? 'dtschema';
  const limit = Number(arg('--limit') ?? '0');
  let boards = selectBoards(kernel, sample);
  if (limit) boards = boards.slice(0, limit);
  const base = path.join(kernel, 'arch/arm64/boot/dts');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-compare-'));
  console.log(`bindings-compare: ${boards.length} boards (${sample} sample), our core: ${core}, dt-schema: ${dtschema}`);

  const schema = processedSchema(dtschema, bindings);
  if (process.argv.includes('--timing-only')) {
    timing(kernel, dtschema, schema, core === 'builtin' ? [bindings] : [bindings, path.join(dtschema, 'dtschema')], tmp);
    fs.rmSync(tmp, { recursive: true, force: true });
    return;
  }
  const dtbs = new Map<string, string>();
  for (const b of boards) {
    const out = compileDtb(kernel, b, path.join(tmp, path.relative(base, b).replace(/[/]/g, '_').replace(/\.dts$/, '.dtb')));
    if (out) dtbs.set(b, out);
  }
  // dt-validate, all boards in one process (one schema load), under nice
  const t0 = Date.now();
  const theirs = runDtValidate(dtschema, schema, [...dtbs.values()]);
  const pyMs = Date.now() - t0;

  // ours, in process: the tree's bindings + dt-schema's core (as an installed dtschema package), or our own core
  const dirs = core === 'builtin' ? [bindings] : [bindings, path.join(dtschema, 'dtschema')];
  const host = new BindingsHost(new NodeFileSystem(), { dirs, cache: new MemoryBindingsCache() });
  const analysis = new AnalysisHost(new NodeFileSystem(), { bindings: host });
  const t1 = Date.now();
  let agreeTheirs = 0;
  let totalTheirs = 0;
  let agreeOurs = 0;
  let totalOurs = 0;
  const report: { board: string; onlyTheirs: { key: Key; message: string }[]; onlyOurs: { key: Key; message: string; at: string }[]; same: number }[] = [];
  for (const [b, dtb] of dtbs) {
    const t = theirs.get(dtb);
    if (!t || t.status !== 'ok') {
      console.log(`  ${path.relative(base, b)}: dt-validate ${t ? t.status : 'gave no result'}; skipped`);
      continue;
    }
    const a = analysis.analyze(b);
    const ours = new Map<string, { key: Key; message: string; at: string }>();
    for (const d of a.diagnostics) {
      if (d.code === 'internal-error') console.log(`  ${path.relative(base, b)}: INTERNAL ERROR ${d.message}`);
      if (!d.code.startsWith('binding-') || d.code === 'binding-load-error') continue;
      const key = { node: d.node ?? '', property: d.property ?? '', code: d.code };
      const line = a.lineIndex(d.file)?.positionAt(d.start).line ?? 0;
      ours.set(keyString(key), { key, message: d.message, at: `${path.relative(kernel, d.file)}:${line + 1}` });
    }
    const their = new Map<string, { key: Key; message: string }>();
    for (const w of t.warnings) for (const k of keysOfDtValidate(w)) their.set(keyString(k), { key: k, message: w.message });
    const onlyTheirs = [...their].filter(([k]) => !ours.has(k)).map(([, v]) => v);
    const onlyOurs = [...ours].filter(([k]) => !their.has(k)).map(([, v]) => v);
    const same = [...their.keys()].filter((k) => ours.has(k)).length;
    totalTheirs += their.size;
    agreeTheirs += same;
    totalOurs += ours.size;
    agreeOurs += same;
    report.push({ board: path.relative(base, b), onlyTheirs, onlyOurs, same });
  }
  const ourMs = Date.now() - t1;
  const pct = (a: number, n: number): string => (n ? ((100 * a) / n).toFixed(1) : '100.0');
  for (const r of report) {
    if (!r.onlyTheirs.length && !r.onlyOurs.length) continue;
    console.log(`  ${r.board}: ${r.same} same`);
    for (const x of r.onlyTheirs) console.log(`    only dt-validate: ${x.key.node} ${x.key.property} ${x.key.code} — ${x.message.slice(0, 160)}`);
    for (const x of r.onlyOurs) console.log(`    only ours:        ${x.key.node} ${x.key.property} ${x.key.code} — ${x.message.slice(0, 160)} (${x.at})`);
  }
  console.log(`boards compared: ${report.length}; warnings: dt-validate ${totalTheirs}, ours ${totalOurs}`);
  console.log(`what dt-validate flags, we flag: ${agreeTheirs}/${totalTheirs} = ${pct(agreeTheirs, totalTheirs)}%`);
  console.log(`what we flag, dt-validate flags: ${agreeOurs}/${totalOurs} = ${pct(agreeOurs, totalOurs)}%`);
  console.log(`time for all boards: dt-validate ${(pyMs / 1000).toFixed(1)} s (nice, one process), ours ${(ourMs / 1000).toFixed(1)} s (analysis + validation, in process)`);
  const out = arg('--out');
  if (out) fs.writeFileSync(out, JSON.stringify({ sample, core, boards: report.length, totalTheirs, totalOurs, agreeTheirs, agreeOurs, report }, null, 1));
  if (!process.argv.includes('--no-timing')) timing(kernel, dtschema, schema, dirs, tmp);
  fs.rmSync(tmp, { recursive: true, force: true });
}

/** Wall and CPU time (user + system of the process and its children; /usr/bin/time) of a command under nice. */
function timed(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { wall: number; cpu?: number } {
  const tf = path.join(os.tmpdir(), `bindings-time-${process.pid}`);
  const useTime = fs.existsSync('/usr/bin/time');
  const argv = ['nice', '-n', '10', cmd, ...args];
  const t = Date.now();
  if (useTime) spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', tf, ...argv], { env, stdio: 'ignore' });
  else spawnSync(argv[0], argv.slice(1), { env, stdio: 'ignore' });
  const wall = Date.now() - t;
  if (!useTime) return { wall };
  const [u, sy] = fs.readFileSync(tf, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
  fs.rmSync(tf, { force: true });
  return { wall, cpu: Math.round((u + sy) * 1000) };
}

/**
 * The first validation of sm8550-mtp: dt-validate vs a fresh dts-check process with and without bindings,
 * alternating, same nice level; `--rounds N` (default 5). Wall time is the target's measure; CPU time (less
 * sensitive to the machine's load) is given beside it.
 */
function timing(kernel: string, dtschema: string, schema: string, dirs: string[], tmp: string): void {
  const board = path.join(kernel, 'arch/arm64/boot/dts/qcom/sm8550-mtp.dts');
  const dtb = compileDtb(kernel, board, path.join(tmp, 'timing.dtb'));
  if (!dtb) return;
  const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-cache-'));
  const check = path.join(REPO, 'bin/dts-check');
  const bindingArgs = dirs.flatMap((d) => ['--bindings', d]);
  const env = { ...process.env, DTS_LSP_CACHE: cacheDir };
  // the processed bindings are cached on disk once (what every later start finds)
  spawnSync('nice', ['-n', '10', process.execPath, check, '--format', 'json', ...bindingArgs, board], { env, stdio: 'ignore' });
  const rounds = Number(arg('--rounds') ?? '5');
  const load0 = os.loadavg()[0];
  const runs: { theirs: { wall: number; cpu?: number }; ours: { wall: number; cpu?: number }; without: { wall: number; cpu?: number } }[] = [];
  // the board's node findings kept from an earlier process would make it no first validation: removed each round
  const forgetFindings = (): void => {
    const dir = path.join(cacheDir, 'bindings');
    for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) if (f.startsWith('results-')) fs.rmSync(path.join(dir, f), { force: true });
  };
  for (let i = 0; i < rounds; i++) {
    const theirs = timed(PYTHON, [...dtValidateShim(dtschema), '-m', '-s', schema, dtb]);
    forgetFindings();
    // (--no-cache: an unchanged run would be replayed, not analysed)
    const ours = timed(process.execPath, [check, '--no-cache', '--format', 'json', ...bindingArgs, board], env);
    const without = timed(process.execPath, [check, '--no-cache', '--format', 'json', '--no-bindings', board], env);
    runs.push({ theirs, ours, without });
  }
  fs.rmSync(cacheDir, { recursive: true, force: true });
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const of = (k: 'wall' | 'cpu'): { theirs: number; ours: number; without: number; validation: number; whole: number } | undefined => {
    if (runs.some((r) => r.theirs[k] === undefined)) return undefined;
    return {
      theirs: med(runs.map((r) => r.theirs[k]!)),
      ours: med(runs.map((r) => r.ours[k]!)),
      without: med(runs.map((r) => r.without[k]!)),
      validation: med(runs.map((r) => (r.ours[k]! - r.without[k]!) / r.theirs[k]!)),
      whole: med(runs.map((r) => r.ours[k]! / r.theirs[k]!)),
    };
  };
  console.log(`sm8550-mtp first validation (fresh processes, processed bindings cached on disk; median of ${rounds} rounds; load ${load0.toFixed(1)} -> ${os.loadavg()[0].toFixed(1)}):`);
  for (const k of ['wall', 'cpu'] as const) {
    const m = of(k);
    if (!m) continue;
    console.log(`  ${k}: dt-validate -m ${m.theirs} ms; dts-check with bindings ${m.ours} ms, without ${m.without} ms; ` +
      `validation (the difference) ${m.validation.toFixed(2)} of dt-validate's, the whole dts-check process ${m.whole.toFixed(2)} (medians of the rounds' ratios)`);
  }
}

if (require.main === module) {
  main();
  if (!process.argv.includes('--no-zephyr') && !process.argv.includes('--timing-only')) {
    console.log('\n-- Zephyr: edtlib against ours --');
    compareZephyr();
  }
}
