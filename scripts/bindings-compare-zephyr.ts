// Zephyr half of `npm run bindings-compare`: our Zephyr binding checks against Zephyr's own edtlib over the
// boards of the Zephyr corpus (../shared/corpus/zephyr or $DTS_SHARED): every board is preprocessed as
// Zephyr's build does (cpp with the DTS roots' -isystem folders) and given to edtlib (python3 +
// python3-yaml); both sides must report the same (node, property, kind). Every difference is listed.
//
//   node out/scripts/bindings-compare-zephyr.js [--limit N] [--board NAME] [--out FILE]
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost } from '../server/src/analysis';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { BindingsHost } from '../server/src/bindings';
import { dtsFilesUnder } from './kernel-tree';

const REPO = path.resolve(__dirname, '../..');
const PYTHON = '/usr/bin/python3';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

export function zephyrCorpus(): string | undefined {
  for (const c of [process.env.DTS_SHARED, path.resolve(REPO, '../shared')]) {
    if (!c) continue;
    const z = path.join(c, 'corpus/zephyr/zephyr');
    if (fs.existsSync(path.join(z, 'scripts/dts/python-devicetree/src/devicetree/edtlib.py'))) return z;
  }
  return undefined;
}

function boards(zephyr: string): string[] {
  return dtsFilesUnder(path.join(zephyr, 'boards'));
}

export interface ZKey { node: string; property: string; code: string }
const keyOf = (k: ZKey): string => `${k.node}\t${k.property}\t${k.code}`;

/** Our diagnostic as a comparison key (pinctrl-N numbering problems are one key per node, as in edtlib). */
export function ourKey(d: { node?: string; property?: string; code: string; file: string; message: string }): ZKey {
  if (d.code === 'binding-load-error') return { node: `binding-file:${d.file}`, property: '', code: d.code };
  if (d.code === 'binding-constraint' && /^pinctrl-\d+ is missing/.test(d.message)) return { node: d.node ?? '', property: 'pinctrl', code: d.code };
  return { node: d.node ?? '', property: d.property ?? '', code: d.code };
}

export function compareZephyr(): void {
  const zephyr = zephyrCorpus();
  if (!zephyr || spawnSync(PYTHON, ['-c', 'import yaml'], { stdio: 'ignore' }).status !== 0) {
    console.log('bindings-compare-zephyr: skipped (no Zephyr corpus with edtlib, or python3 without yaml)');
    return;
  }
  let list = boards(zephyr);
  const only = arg('--board');
  if (only) list = list.filter((b) => path.basename(b, '.dts') === only);
  const limit = Number(arg('--limit') ?? '0');
  if (limit) list = list.slice(0, limit);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bindings-zephyr-'));
  const nfs = new NodeFileSystem();
  const bindings = new BindingsHost(nfs, {});
  const host = new AnalysisHost(nfs, { bindings, flavour: 'zephyr' });
  const empty = path.join(zephyr, 'misc/empty_file.c');
  const jobs: { board: string; dts: string; bindings_dirs: string[]; vendor_prefixes: string[] }[] = [];
  const ours = new Map<string, Map<string, { key: ZKey; message: string }>>();
  let tOurs = 0;
  for (const b of list) {
    const plan = host.planFor(b);
    const dirs = bindings.zephyrDirs({ flavour: 'zephyr', root: plan.flavour.root, systemIncludePaths: plan.systemIncludePaths }) ?? [];
    const pre = path.join(tmp, `${path.basename(b, '.dts')}-${jobs.length}.dts`);
    try {
      execFileSync('cpp', ['-x', 'assembler-with-cpp', '-nostdinc', ...plan.systemIncludePaths.flatMap((p) => ['-isystem', p]), '-include', b, '-undef', '-D__DTS__', '-P', '-E', empty, '-o', pre],
        { stdio: 'ignore' });
    } catch {
      continue;
    }
    jobs.push({ board: b, dts: pre, bindings_dirs: dirs, vendor_prefixes: dirs.map((d) => path.join(d, 'vendor-prefixes.txt')).filter((f) => fs.existsSync(f)) });
    const t0 = Date.now();
    const a = host.analyze(b);
    tOurs += Date.now() - t0;
    const m = new Map<string, { key: ZKey; message: string }>();
    for (const d of a.diagnostics) {
      if (!d.code.startsWith('binding-')) continue;
      const key = ourKey(d);
      m.set(keyOf(key), { key, message: d.message });
    }
    ours.set(b, m);
  }
  const t1 = Date.now();
  const py = spawnSync('nice', ['-n', '10', PYTHON, path.join(REPO, 'scripts/bindings-compare-edtlib.py'), path.join(zephyr, 'scripts/dts/python-devicetree/src')],
    { input: jobs.map((j) => JSON.stringify(j)).join('\n'), encoding: 'utf8', maxBuffer: 256 << 20 });
  const tTheirs = Date.now() - t1;
  let same = 0;
  let theirsTotal = 0;
  let oursTotal = 0;
  const statuses = new Map<string, number>();
  const diffs: string[] = [];
  for (const line of py.stdout.split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { board: string; status: string; records: { node: string | null; property: string | null; kind: string; level: string; message: string }[] };
    const st = r.status.startsWith('crash') ? 'crash' : r.status.startsWith('dtlib') ? 'dtlib' : 'ok';
    statuses.set(st, (statuses.get(st) ?? 0) + 1);
    if (st === 'dtlib') {
      diffs.push(`${path.relative(zephyr, r.board)}: skipped, dtlib cannot read it (${r.status.slice(7, 120)})`);
      continue;
    }
    const mine = ours.get(r.board) ?? new Map();
    const theirs = new Map<string, { key: ZKey; message: string }>();
    for (const x of r.records) {
      if (x.kind === 'followup') continue;
      const key: ZKey = { node: x.node ?? '?', property: x.property ?? '', code: x.kind };
      theirs.set(keyOf(key), { key, message: x.message });
    }
    const rel = path.relative(zephyr, r.board);
    for (const [k, v] of theirs) if (!mine.has(k)) diffs.push(`${rel}: only edtlib: ${k.replace(/\t/g, ' ')} — ${v.message.slice(0, 200)}`);
    for (const [k, v] of mine) if (!theirs.has(k)) diffs.push(`${rel}: only ours:   ${k.replace(/\t/g, ' ')} — ${v.message.slice(0, 200)}`);
    if (st === 'crash') diffs.push(`${rel}: edtlib ${r.status}`);
    theirsTotal += theirs.size;
    oursTotal += mine.size;
    same += [...theirs.keys()].filter((k) => mine.has(k)).length;
  }
  for (const d of diffs) console.log('  ' + d);
  const pct = (a: number, n: number): string => (n ? ((100 * a) / n).toFixed(1) : '100.0');
  console.log(`zephyr boards: ${jobs.length} (edtlib: ${[...statuses].map(([k, v]) => `${v} ${k === 'dtlib' ? 'not parsed by dtlib (skipped)' : k}`).join(', ')}); findings: edtlib ${theirsTotal}, ours ${oursTotal}`);
  console.log(`what edtlib flags, we flag: ${same}/${theirsTotal} = ${pct(same, theirsTotal)}%`);
  console.log(`what we flag, edtlib flags: ${same}/${oursTotal} = ${pct(same, oursTotal)}%`);
  console.log(`time: edtlib ${(tTheirs / 1000).toFixed(1)} s (nice, one process), ours ${(tOurs / 1000).toFixed(1)} s (analysis + checks)`);
  const out = arg('--out');
  // beside the Linux results of the same run (FILE.zephyr.json)
  if (out) fs.writeFileSync(out.replace(/(\.json)?$/, '.zephyr.json'), JSON.stringify({ boards: jobs.length, theirsTotal, oursTotal, same, diffs }, null, 1));
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (require.main === module) compareZephyr();
