// The fuzz loop, run in a worker thread so that the main thread's watchdog can terminate
// it when one input hangs. Inputs are mutations of real files shown through an overlay file
// system (includes still resolve against the real tree); one AnalysisHost serves all inputs,
// as in the language server, so its caches see the mutated texts too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisHost } from '../../server/src/analysis';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { mutate } from './mutate';
import { inputSeed, Rng } from './rng';
import { probeOffsets, runOne, signature, type Failure } from './run-one';

export interface Source {
  root: string;
  /** files the mutation may touch (the root first); filled in on first use */
  files?: string[];
}

export interface WorkerConfig {
  seed: number;
  from: number;
  count: number;
  deadline: number;
  sources: Source[];
  outDir: string;
  minimize: boolean;
}

export type WorkerMessage =
  | { type: 'start'; i: number; root: string; file: string; ops: string[]; text: string }
  | { type: 'done'; i: number; ms: number; analysisMs: number; failures: Array<Failure & { sig: string }> }
  | { type: 'finished'; next: number };

const fsys = new OverlayFileSystem(new NodeFileSystem());
const host = new AnalysisHost(fsys, {});

/** Files of a source the fuzzer mutates: the root, and (for boards) the .dtsi/.h files it includes. */
function candidates(src: Source): string[] {
  if (src.files) return src.files;
  let files = [src.root];
  try {
    const a = host.analyze(src.root);
    files = [src.root, ...a.pp.files.filter((f) => f !== src.root && /\.(dtsi|dts|h)$/.test(f))];
  } catch {
    // the fuzz input will report it
  }
  src.files = files;
  return files;
}

export function makeInput(cfg: { seed: number; sources: Source[] }, i: number): { root: string; file: string; text: string; ops: string[]; rng: Rng } | undefined {
  const rng = new Rng(inputSeed(cfg.seed, i));
  const src = rng.pick(cfg.sources);
  const files = candidates(src);
  const file = files.length > 1 && rng.chance(0.3) ? rng.pick(files.slice(1)) : files[0];
  let orig: string;
  try {
    orig = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const m = rng.chance(0.03) ? { text: '', ops: ['delete everything'] } : mutate(orig, rng);
  return { root: src.root, file, text: m.text, ops: m.ops, rng };
}

function runInput(root: string, file: string, text: string, offsets: number[]): ReturnType<typeof runOne> {
  fsys.setOverlay(file, text);
  try {
    return runOne(host, root, file, text, offsets);
  } finally {
    fsys.clearOverlay(file);
  }
}

/** Shrink `text` while the failure with signature `sig` still happens (line-wise, then character-wise). Bounded. */
function minimize(root: string, file: string, text: string, sig: string, budgetMs = 20_000): string {
  const t0 = Date.now();
  const fails = (t: string): boolean => {
    const r = runInput(root, file, t, [0, Math.floor(t.length / 2), t.length]);
    return r.failures.some((f) => signature(f) === sig);
  };
  if (!fails(text)) return text; // depends on the random offsets or on caches: keep the full input
  let cur = text;
  for (const unit of ['line', 'char'] as const) {
    let parts = unit === 'line' ? cur.split(/(?<=\n)/) : [...cur];
    let n = 2;
    while (parts.length >= 2 && Date.now() - t0 < budgetMs) {
      const size = Math.ceil(parts.length / n);
      let reduced = false;
      for (let s = 0; s < parts.length && Date.now() - t0 < budgetMs; s += size) {
        const candidate = [...parts.slice(0, s), ...parts.slice(s + size)];
        if (fails(candidate.join(''))) {
          parts = candidate;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
      if (!reduced) {
        if (n >= parts.length) break;
        n = Math.min(parts.length, n * 2);
      }
    }
    cur = parts.join('');
    if (unit === 'line' && cur.length > 4000) break; // character-wise is too slow on big inputs
  }
  return cur;
}

function save(cfg: WorkerConfig, i: number, root: string, file: string, ops: string[], text: string, failures: Array<Failure & { sig: string }>, min?: string): void {
  fs.mkdirSync(cfg.outDir, { recursive: true });
  const base = path.join(cfg.outDir, `${failures[0].kind}-${i}`);
  fs.writeFileSync(`${base}${path.extname(file) || '.dts'}`, text);
  if (min !== undefined) fs.writeFileSync(`${base}.min${path.extname(file) || '.dts'}`, min);
  fs.writeFileSync(`${base}.json`, JSON.stringify({ seed: cfg.seed, i, root, file, ops, failures }, null, 2));
}

function main(cfg: WorkerConfig): void {
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
  const seen = new Set<string>();
  let i = cfg.from;
  for (; i < cfg.count && Date.now() < cfg.deadline; i++) {
    const inp = makeInput(cfg, i);
    if (!inp) continue;
    post({ type: 'start', i, root: inp.root, file: inp.file, ops: inp.ops, text: inp.text });
    const offsets = probeOffsets(inp.rng, inp.text.length, 4);
    const r = runInput(inp.root, inp.file, inp.text, offsets);
    const failures = r.failures.map((f) => ({ ...f, sig: signature(f) }));
    if (failures.length) {
      const fresh = failures.filter((f) => !seen.has(f.sig));
      for (const f of failures) seen.add(f.sig);
      if (fresh.length) {
        const shrinkable = fresh.find((f) => f.kind !== 'slow');
        const min = cfg.minimize && shrinkable ? minimize(inp.root, inp.file, inp.text, shrinkable.sig) : undefined;
        save(cfg, i, inp.root, inp.file, inp.ops, inp.text, fresh, min);
      }
    }
    post({ type: 'done', i, ms: r.ms, analysisMs: r.analysisMs, failures });
  }
  post({ type: 'finished', next: i });
}

if (parentPort && workerData) main(workerData as WorkerConfig);
