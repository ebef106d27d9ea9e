// Fuzzer of the analysis core (`npm run fuzz`): mutates real inputs (dtc's test files in
// /work/shared/corpus/dtc-tests, arm64 kernel boards and their includes) and runs the whole
// pipeline plus the editor features on each. A failure is an exception escaping a stage or a
// feature, an internal-error diagnostic, a diagnostic range outside its file, an input slower
// than 1 s, or a hang (the watchdog terminates the worker after --hang-ms).
//
//   node out/scripts/fuzz.js [--count N] [--seconds S] [--seed X] [--out DIR] [--no-kernel]
//                            [--boards K] [--hang-ms MS] [--no-minimize]
//   node out/scripts/fuzz.js --replay DIR/<kind>-<i>.json     (re-run one saved failure)
//
// Defaults: 20,000 inputs or 600 s, whichever comes first; seed 1; failures under out/fuzz-failures.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { AnalysisHost } from '../server/src/analysis';
import { OverlayFileSystem } from '../server/src/base/fs';
import { NodeFileSystem } from '../server/src/base/node-fs';
import { kernelTreeIfPresent, sampleBoards, arm64Boards } from './kernel-tree';
import { probeOffsets, runOne, type Failure } from './fuzz/run-one';
import { Rng } from './fuzz/rng';
import type { Source, WorkerConfig, WorkerMessage } from './fuzz/worker';

const DTC_TESTS = process.env.DTS_FUZZ_DTC_TESTS || '/work/shared/corpus/dtc-tests';

interface Args {
  count: number;
  seconds: number;
  seed: number;
  out: string;
  kernel: boolean;
  boards: number;
  hangMs: number;
  minimize: boolean;
  replay?: string;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    count: 20_000, seconds: 600, seed: 1, out: path.resolve(__dirname, '../fuzz-failures'),
    kernel: true, boards: 40, hangMs: 5000, minimize: true,
  };
  for (let k = 0; k < argv.length; k++) {
    const v = argv[k];
    const num = (): number => {
      const n = Number(argv[++k]);
      if (!Number.isFinite(n)) throw new Error(`${v} needs a number`);
      return n;
    };
    switch (v) {
      case '--count': a.count = num(); break;
      case '--seconds': a.seconds = num(); break;
      case '--seed': a.seed = num() >>> 0; break;
      case '--out': a.out = path.resolve(argv[++k]); break;
      case '--no-kernel': a.kernel = false; break;
      case '--boards': a.boards = num(); break;
      case '--hang-ms': a.hangMs = num(); break;
      case '--no-minimize': a.minimize = false; break;
      case '--replay': a.replay = argv[++k]; break;
      case '-h': case '--help':
        console.log('usage: fuzz [--count N] [--seconds S] [--seed X] [--out DIR] [--no-kernel] [--boards K] [--hang-ms MS] [--no-minimize] | --replay FILE.json');
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default: throw new Error(`unknown argument ${v}`);
    }
  }
  return a;
}

function sources(a: Args): Source[] {
  const out: Source[] = [];
  if (fs.existsSync(DTC_TESTS)) {
    for (const f of fs.readdirSync(DTC_TESTS).sort()) if (/\.dtsi?$/.test(f)) out.push({ root: path.join(DTC_TESTS, f) });
  } else {
    console.log(`(no dtc tests at ${DTC_TESTS}: skipped)`);
  }
  const kernel = a.kernel ? kernelTreeIfPresent() : undefined;
  if (kernel) {
    // the CI sample, then a deterministic spread of the other boards
    const picked = new Set(sampleBoards(kernel));
    const all = arm64Boards(kernel);
    const rng = new Rng(a.seed ^ 0xb0a4d);
    while (picked.size < Math.min(a.boards, all.length)) picked.add(rng.pick(all));
    const boards = [...picked].slice(0, Math.max(a.boards, 0)).sort();
    for (const b of boards) out.push({ root: b });
    console.log(`inputs from ${out.length - boards.length} dtc test files and ${boards.length} kernel boards (${kernel})`);
  } else if (a.kernel) {
    console.log('(no kernel tree in ~/.cache/dts-lsp: kernel boards skipped; run scripts/setup-kernel)');
  }
  if (out.length === 0) throw new Error('no inputs: neither the dtc tests nor a kernel tree were found');
  return out;
}

function replay(file: string): void {
  const meta = JSON.parse(fs.readFileSync(file, 'utf8')) as { root: string; file: string; i: number; failures: Failure[] };
  const base = file.replace(/\.json$/, '');
  const ext = path.extname(meta.file) || '.dts';
  const textFile = fs.existsSync(`${base}.min${ext}`) ? `${base}.min${ext}` : `${base}${ext}`;
  const text = fs.readFileSync(textFile, 'utf8');
  const fsys = new OverlayFileSystem(new NodeFileSystem());
  fsys.setOverlay(meta.file, text);
  const host = new AnalysisHost(fsys, {});
  const r = runOne(host, meta.root, meta.file, text, probeOffsets(new Rng(meta.i), text.length, 4));
  console.log(`replayed ${textFile} as ${meta.file} (root ${meta.root}): ${r.ms.toFixed(0)} ms, ${r.diagnostics} diagnostics`);
  for (const f of r.failures) console.log(`  ${f.kind} in ${f.where}: ${f.message}\n${f.stack ?? ''}`);
  process.exit(r.failures.length ? 1 : 0);
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  if (a.replay) return replay(a.replay);
  const srcs = sources(a);
  const t0 = Date.now();
  const deadline = t0 + a.seconds * 1000;
  let done = 0;
  let maxMs = 0;
  let maxInput = '';
  let totalMs = 0;
  const failures: Array<{ i: number; root: string; file: string; f: Failure & { sig?: string } }> = [];
  const bySig = new Map<string, number>();
  let current: Extract<WorkerMessage, { type: 'start' }> | undefined;
  let currentSince = 0;
  let next = 0;
  let lastReport = Date.now();
  console.log(`fuzzing: up to ${a.count} inputs or ${a.seconds} s, seed ${a.seed}, failures to ${a.out}`);

  const record = (i: number, root: string, file: string, f: Failure & { sig?: string }): void => {
    const sig = f.sig ?? `${f.kind}|${f.where}`;
    bySig.set(sig, (bySig.get(sig) ?? 0) + 1);
    failures.push({ i, root, file, f });
  };
  const saveHang = (m: Extract<WorkerMessage, { type: 'start' }>, kind: 'hang' | 'crash', message: string): void => {
    fs.mkdirSync(a.out, { recursive: true });
    const base = path.join(a.out, `${kind}-${m.i}`);
    fs.writeFileSync(`${base}${path.extname(m.file) || '.dts'}`, m.text);
    fs.writeFileSync(`${base}.json`, JSON.stringify({ seed: a.seed, i: m.i, root: m.root, file: m.file, ops: m.ops, failures: [{ kind, where: 'input', message }] }, null, 2));
  };

  while (next < a.count && Date.now() < deadline) {
    const cfg: WorkerConfig = { seed: a.seed, from: next, count: a.count, deadline, sources: srcs, outDir: a.out, minimize: a.minimize };
    const w = new Worker(path.join(__dirname, 'fuzz/worker.js'), { workerData: cfg, resourceLimits: { maxOldGenerationSizeMb: 4096, stackSizeMb: 1 } });
    const outcome = await new Promise<'finished' | 'hang' | 'crash'>((resolve) => {
      let settled = false;
      const settle = (v: 'finished' | 'hang' | 'crash'): void => {
        if (settled) return;
        settled = true;
        clearInterval(watchdog);
        resolve(v);
      };
      const watchdog = setInterval(() => {
        if (current && Date.now() - currentSince > a.hangMs) {
          const m = current;
          record(m.i, m.root, m.file, { kind: 'hang', where: 'input', message: `no result after ${a.hangMs} ms (${m.ops.join('; ')})` });
          saveHang(m, 'hang', `no result after ${a.hangMs} ms`);
          next = m.i + 1;
          current = undefined;
          void w.terminate();
          settle('hang');
        }
      }, 100);
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'start') {
          current = m;
          currentSince = Date.now();
        } else if (m.type === 'done') {
          current = undefined;
          done++;
          next = m.i + 1;
          totalMs += m.ms;
          if (m.ms > maxMs) { maxMs = m.ms; maxInput = `#${m.i}`; }
          for (const f of m.failures) record(m.i, '', '', f);
          if (Date.now() - lastReport > 5000) {
            lastReport = Date.now();
            const s = (Date.now() - t0) / 1000;
            console.log(`  ${done} inputs, ${(done / s).toFixed(1)}/s, max ${maxMs.toFixed(0)} ms, ${failures.length} failures`);
          }
        } else if (m.type === 'finished') {
          next = m.next;
          settle('finished');
        }
      });
      w.on('error', (e) => {
        if (current) {
          record(current.i, current.root, current.file, { kind: 'crash', where: 'worker', message: String(e), stack: e.stack });
          saveHang(current, 'crash', String(e));
          next = current.i + 1;
          current = undefined;
        }
        settle('crash');
      });
      w.on('exit', () => settle('crash'));
    });
    if (outcome === 'finished') break;
  }

  const secs = (Date.now() - t0) / 1000;
  console.log(`\n${done} inputs in ${secs.toFixed(1)} s: ${(done / secs).toFixed(1)} inputs/s, mean ${(totalMs / Math.max(done, 1)).toFixed(1)} ms, max ${maxMs.toFixed(0)} ms (${maxInput})`);
  console.log(`${failures.length} failures, ${bySig.size} distinct`);
  for (const [sig, n] of [...bySig].sort((x, y) => y[1] - x[1])) console.log(`  ${n} × ${sig}`);
  if (failures.length) console.log(`inputs and minimised inputs in ${a.out} (replay: node out/scripts/fuzz.js --replay <file>.json)`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(2);
});
