// Performance benchmark (a script, not a test):  npm run bench [-- options]
//
// Runs the real language server (`bin/dts-lsp --stdio`) and the CLI over the Linux 6.12 arm64 boards and
// prints a table; --write-md stores it in BENCHMARKS.md with the command line.
//   1. cold analysis: didOpen -> first publishDiagnostics of a fresh server (workspace = the kernel dts dir)
//   2. edit latency: single-character edits of the board and of its largest .dtsi, didChange -> analysis done
//   3. hover / definition latency on phandle references
//   4. memory: server RSS and V8 heap with the four boards open, and after N edits
//   5. corpus throughput: bin/dts-check over all arm64 boards vs cpp + dtc over the same boards
//   6. requests while busy: hover, definition, completion, semanticTokens while four boards open and the index runs
//   7. process cold start: the whole dts-check process for sm8550-mtp vs cpp + dtc
//   plus the in-process (no server) numbers of AnalysisHost.analyze.
// Memory is sampled 0.2 s after the last answer and again at rest (REST_MS later).
// Options: --runs N (cold runs per board, 5)  --edits N (per board, 200)  --memory-edits N (2000)  --keystroke-rounds N (8)
//          --requests N (hover and definition requests per board, 200)  --no-corpus  --no-inproc
//          --no-bindings (binding validation off: the servers' setting, dts-check --no-bindings)
//          --corpus-limit N (first N boards only)  --only inproc,cold,server,corpus,busy,startup  --jobs N (dts-check --jobs, default: the core count)  --write-md
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { uriOf } from '../test/lsp/lsp-client';
import type { InprocResult } from './bench/inproc';
import { benchEdit, type EditKind } from './bench/inproc';
import { KEYSTROKE_KINDS, keystrokeRound, type KeystrokeKind } from './bench/keystrokes';
import { busyReport, runBusy, type BusyResult } from './bench/busy';
import { BenchClient } from './bench/server-client';
import { runStartup, startupReport, type StartupResult } from './bench/startup';
import { fmtMB, fmtMs, median, now, p95, prng, rssOf, sleep, timeShell } from './bench/stats';
import { arm64Boards, cppArgs, ensureDebianPackages, ensureKernelTree } from './kernel-tree';
import { IDLE_GC_DELAY_MS, IDLE_SHRINK_DELAY_MS } from '../server/src/lsp/idle-gc';
import { SERVER_ENV, SERVER_NODE_OPTIONS } from '../server/src/lsp/node-options';

const REPO = path.resolve(__dirname, '../..'); // out/scripts -> repo
const BOARDS = [
  'qcom/sm8550-mtp.dts',
  'qcom/sc7280-herobrine-villager-r1-lte.dts',
  'freescale/imx8qm-apalis-eval-v1.2.dts',
  'renesas/r8a779f0-spider.dts',
];

interface Opts {
  runs: number;
  edits: number;
  memoryEdits: number;
  /** rounds of each structural keystroke kind (section 2b) */
  keystrokeRounds: number;
  requests: number;
  corpus: boolean;
  inproc: boolean;
  corpusLimit: number;
  jobs: number;
  writeMd: boolean;
  /** sections to run: inproc, cold, server, corpus (default all) */
  only?: Set<string>;
  /** binding validation (the default); --no-bindings: off in the servers (setting) and dts-check */
  bindings: boolean;
}

function parseOpts(argv: string[]): Opts {
  const o: Opts = { runs: 5, edits: 200, memoryEdits: 2000, keystrokeRounds: 8, requests: 200, corpus: true, inproc: true, corpusLimit: 0, jobs: os.cpus().length, writeMd: false, bindings: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a number`);
      return v;
    };
    if (a === '--runs') o.runs = Math.max(1, num());
    else if (a === '--edits') o.edits = num();
    else if (a === '--memory-edits') o.memoryEdits = num();
    else if (a === '--keystroke-rounds') o.keystrokeRounds = num();
    else if (a === '--requests') o.requests = num();
    else if (a === '--no-corpus') o.corpus = false;
    else if (a === '--no-inproc') o.inproc = false;
    else if (a === '--corpus-limit') o.corpusLimit = num();
    else if (a === '--jobs') o.jobs = Math.max(1, num());
    else if (a === '--write-md') o.writeMd = true;
    else if (a === '--no-bindings') o.bindings = false;
    else if (a === '--only') o.only = new Set((argv[++i] ?? '').split(','));
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

const out: string[] = [];
function say(line = ''): void {
  out.push(line);
  console.log(line);
}
function progress(msg: string): void {
  process.stderr.write(`  .. ${msg}\n`);
}

// ---- 1. cold analysis ---------------------------------------------------------------------

interface ColdRun { openToDiag: number; spawnToDiag: number; serverMs: number }

async function coldRun(dtsDir: string, board: string, afterIndex: boolean): Promise<ColdRun> {
  const c = new BenchClient();
  try {
    await c.initialize(dtsDir, SERVER_SETTINGS);
    if (afterIndex) await c.waitIndexed();
    const t0 = now();
    await c.open(board);
    await c.c.waitForDiagnostics(board, () => true, 60_000, true);
    const t1 = now();
    const a = await c.waitAnalysed(board, 0);
    return { openToDiag: t1 - t0, spawnToDiag: t1 - c.spawnedAt, serverMs: a.ms };
  } finally {
    await c.shutdown();
  }
}

// ---- 2-4. one server with the four boards open -----------------------------------------------

/** Positions of phandle references (`&label`) in a text: offsets of the label's first character. */
function phandleOffsets(text: string): number[] {
  const res: number[] = [];
  const re = /&([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // skip comments roughly: a '//' earlier on the line
    const ls = text.lastIndexOf('\n', m.index) + 1;
    if (text.slice(ls, m.index).includes('//')) continue;
    res.push(m.index + 1);
  }
  return res;
}

function spread<T>(list: T[], n: number): T[] {
  if (list.length <= n) return list;
  const outl: T[] = [];
  for (let i = 0; i < n; i++) outl.push(list[Math.floor((i * list.length) / n)]);
  return outl;
}

function largestDtsiOf(files: string[]): string | undefined {
  let best: string | undefined;
  let size = -1;
  for (const f of files) {
    if (!f.endsWith('.dtsi')) continue;
    const s = fs.statSync(f).size;
    if (s > size) { size = s; best = f; }
  }
  return best;
}

interface EditResult { board: string; dtsi: string; boardMs: number[]; dtsiMs: number[]; serverMs: number[]; published: number }
/** latencies by kind of edit, all boards */
const byKind: Record<EditKind, number[]> = { space: [], value: [] };
/** edits made so far (the kind alternates) */
let editCount = 0;
interface RequestResult { board: string; hover: number[]; definition: number[]; answered: number; total: number }

/** Typing pace of the latency edits: one character every 100 ms (the server analyses an isolated edit at once). */
const TYPING_PACE_MS = 100;
/**
 * Quiet time before the "at rest" memory sample: the server's idle collection, the young generation shrunk
 * one quiet interval later (once more after another if V8 did not shrink it), and 4 s for the release of the pages.
 */
const REST_MS = IDLE_GC_DELAY_MS + 2 * IDLE_SHRINK_DELAY_MS + 4000;
/** the memory row with the documents open (the targets: at rest ≤ 120 MB here and after 2,000 edits) */
const MEM_OPEN = 'four boards and their largest .dtsi open';

/**
 * The root of the context a document's diagnostics come from: an edit is timed to the analysis of that context
 * (for a .dtsi, the open board that includes it; another board when the user or the settings chose one).
 */
async function contextRoot(c: BenchClient, file: string): Promise<string> {
  const info = await c.request<{ root: string } | null>('dts/contexts', { textDocument: { uri: uriOf(file) } });
  return info?.root ?? file;
}

async function editBurst(c: BenchClient, board: string, file: string, n: number, rnd: () => number, into: number[], serverMs: number[], paceMs = 0): Promise<number> {
  let published = 0;
  board = await contextRoot(c, file);
  for (let i = 0; i < n; i++) {
    if (paceMs) await sleep(paceMs);
    const text = c.texts.get(file)!;
    const e = benchEdit(text, rnd, editCount++);
    const send = c.prepareReplace(file, e.p, e.remove, e.insert);
    const t0 = now();
    const v = await send();
    const a = await c.waitAnalysed(board, t0);
    into.push(a.at - t0);
    if (paceMs) byKind[e.kind].push(a.at - t0);
    // (DTS_BENCH_LOG: each edit beside the server's log lines, for finding what made the slow ones)
    c.timedLogs?.push(`${(a.at - c.spawnedAt).toFixed(0)} bench edit ${path.basename(file)} ${e.kind} at ${e.p}: ${(a.at - t0).toFixed(1)} ms (server ${a.ms} ms)`);
    serverMs.push(a.ms);
    await sleep(2); // let the publish (same tick as the log line) arrive
    if (c.publishedFor(file, v)) published++;
  }
  return published;
}

/** Structural keystrokes (bench/keystrokes.ts) in `file`, `rounds` rounds of each kind, at a typing pace: latency by kind. */
async function keystrokeBurst(c: BenchClient, file: string, rounds: number, rnd: () => number): Promise<Map<KeystrokeKind, { ms: number[]; serverMs: number[] }>> {
  const root = await contextRoot(c, file);
  const out = new Map<KeystrokeKind, { ms: number[]; serverMs: number[] }>();
  for (let r = 0; r < rounds; r++) {
    for (const kind of KEYSTROKE_KINDS) {
      const round = keystrokeRound(c.texts.get(file)!, kind, rnd);
      if (!round) continue;
      const into = out.get(kind) ?? { ms: [], serverMs: [] };
      out.set(kind, into);
      for (const k of round) {
        await sleep(TYPING_PACE_MS);
        const send = c.prepareReplace(file, k.p, k.remove, k.insert);
        const t0 = now();
        await send();
        const a = await c.waitAnalysed(root, t0);
        c.timedLogs?.push(`${(a.at - c.spawnedAt).toFixed(0)} bench keystroke ${path.basename(file)} ${kind} at ${k.p}: ${(a.at - t0).toFixed(1)} ms (server ${a.ms} ms) sent ${(performance.timeOrigin + t0).toFixed(2)} logged ${(performance.timeOrigin + a.at).toFixed(2)}`);
        if (k.timed) { into.ms.push(a.at - t0); into.serverMs.push(a.ms); }
        await sleep(2);
      }
    }
  }
  return out;
}

async function timedRequests(c: BenchClient, file: string, offsets: number[], method: string): Promise<{ times: number[]; answered: number }> {
  const { LineIndex } = await import('../server/src/base/text');
  const idx = new LineIndex(c.texts.get(file)!);
  const times: number[] = [];
  let answered = 0;
  for (const o of offsets) {
    const position = idx.positionAt(o);
    const t0 = now();
    const r = await c.request<unknown>(method, { textDocument: { uri: uriOf(file) }, position });
    times.push(now() - t0);
    if (r !== null && r !== undefined && !(Array.isArray(r) && r.length === 0)) answered++;
  }
  return { times, answered };
}

// ---- 5. corpus ------------------------------------------------------------------------------

async function corpusRun(kernel: string, boards: string[], jobs: number): Promise<Record<string, { user: number; sys: number; real: number; code: number }>> {
  const dtsDir = path.join(kernel, 'arch/arm64/boot/dts');
  const listFile = path.join(os.tmpdir(), `dts-bench-boards-${process.pid}.txt`);
  fs.writeFileSync(listFile, boards.map((b) => path.relative(dtsDir, b)).join('\n') + '\n');
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const check = path.join(REPO, 'bin/dts-check');
  const res: Record<string, { user: number; sys: number; real: number; code: number }> = {};
  if (process.env.DTS_BENCH_DEBUG) progress(`list ${listFile}: ${fs.readFileSync(listFile, 'utf8').split('\n').length} lines`);
  try {
    progress(`dts-check over ${boards.length} boards (one process)`);
    if (process.env.DTS_BENCH_DEBUG) progress(`cd ${q(dtsDir)} && ${q(process.execPath)} ${q(check)} $(cat ${q(listFile)})`);
    res.check = await timeShell(`cd ${q(dtsDir)} && ${q(process.execPath)} ${q(check)} $(cat ${q(listFile)}) > /dev/null`);
    if (jobs > 1) {
      progress(`dts-check --jobs ${jobs} over ${boards.length} boards`);
      res.checkJobs = await timeShell(`cd ${q(dtsDir)} && ${q(process.execPath)} ${q(check)} --jobs ${jobs} $(cat ${q(listFile)}) > /dev/null`);
    }
    progress(`cpp + dtc over ${boards.length} boards`);
    const prefixes = path.join(kernel, 'scripts/dtc/include-prefixes');
    const lines = boards.map((b) => {
      const cpp = ['cpp', ...cppArgs(kernel, b)].map(q).join(' ');
      return `${cpp} 2>/dev/null | dtc -q -I dts -O dtb -i ${q(path.dirname(b))} -i ${q(prefixes)} -o /dev/null - 2>/dev/null`;
    });
    const script = path.join(os.tmpdir(), `dts-bench-dtc-${process.pid}.sh`);
    fs.writeFileSync(script, lines.join('\n') + '\ntrue\n');
    res.dtc = await timeShell(`bash ${q(script)}`);
    fs.unlinkSync(script);
  } finally {
    fs.unlinkSync(listFile);
  }
  return res;
}

function runChild(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let s = '';
    p.stdout.on('data', (d: Buffer) => { s += d.toString(); });
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(s) : reject(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

// ---- main -----------------------------------------------------------------------------------

/** the servers' settings (initializationOptions and workspace/configuration): the defaults, or bindings off */
let SERVER_SETTINGS: Record<string, unknown> = {};

async function main(): Promise<void> {
  const opts = parseOpts(process.argv.slice(2));
  if (!opts.bindings) SERVER_SETTINGS = { bindings: false };
  ensureDebianPackages({ cpp: 'cpp', dtc: 'device-tree-compiler' });
  const kernel = ensureKernelTree();
  const dtsDir = path.join(kernel, 'arch/arm64/boot/dts');
  const boards = BOARDS.map((b) => path.join(dtsDir, b));
  const cpus = os.cpus();
  const started = new Date();
  say(`## Results`);
  say();
  say(`- command: \`npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}\``);
  say(`- date: ${started.toISOString()}; node ${process.version}; ${os.platform()} ${os.release()}`);
  say(`- machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown'}), ${fmtMB(os.totalmem())} MB RAM; load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  say(`- kernel tree: ${kernel}`);
  say();

  // in-process numbers (no server), one fresh process per board
  const inproc: InprocResult[] = [];
  const want = (s: string): boolean => !opts.only || opts.only.has(s);
  if (opts.inproc && want('inproc')) {
    for (const b of boards) {
      progress(`in-process ${path.relative(dtsDir, b)}`);
      inproc.push(JSON.parse(await runChild([path.join(__dirname, 'bench/inproc.js'), b, '40'])) as InprocResult);
    }
  }

  // 1. cold
  const cold: Array<{ board: string; runs: ColdRun[]; afterIndex: ColdRun[] }> = [];
  for (const b of want('cold') ? boards : []) {
    const runs: ColdRun[] = [];
    const afterIndex: ColdRun[] = [];
    for (let r = 0; r < opts.runs; r++) {
      progress(`cold ${path.relative(dtsDir, b)} run ${r + 1}`);
      runs.push(await coldRun(dtsDir, b, false));
    }
    progress(`cold ${path.relative(dtsDir, b)} after the workspace index`);
    afterIndex.push(await coldRun(dtsDir, b, true));
    cold.push({ board: b, runs, afterIndex });
  }

  // 2-4: one server, the four boards open (debounce 0: the time measured is the analysis after the debounce fires)
  const c = want('server') ? new BenchClient() : (undefined as unknown as BenchClient);
  const edits: EditResult[] = [];
  const requests: RequestResult[] = [];
  type MemPoint = { rss: number; heapUsed: number; heapTotal: number };
  const mem: Array<{ when: string; busy: MemPoint; rest: MemPoint; idleCollections: number; idleMs: number }> = [];
  const point = (s: { memory?: NodeJS.MemoryUsage }): MemPoint => ({ rss: rssOf(c.pid), heapUsed: s.memory?.heapUsed ?? NaN, heapTotal: s.memory?.heapTotal ?? NaN });
  // twice: 0.2 s after the last answer (as the work left it), and at rest: after REST_MS without a message
  // (the server gives memory back when quiet, see server/src/lsp/idle-gc.ts)
  const memSnap = async (when: string): Promise<void> => {
    await sleep(200);
    const busy = point(await c.stats());
    await sleep(REST_MS);
    const s = (await c.stats()) as { memory?: NodeJS.MemoryUsage; idleCollections?: number; lastIdleCollectionMs?: number };
    mem.push({ when, busy, rest: point(s), idleCollections: s.idleCollections ?? 0, idleMs: s.lastIdleCollectionMs ?? NaN });
  };
  const dtsis = new Map<string, string>();
  if (want('server') || want('busy')) {
    const { AnalysisHost } = await import('../server/src/analysis');
    const { NodeFileSystem } = await import('../server/src/base/node-fs');
    for (const b of boards) {
      const inp = inproc.find((x) => x.board === b);
      const d = inp?.largestDtsi || largestDtsiOf(new AnalysisHost(new NodeFileSystem()).analyze(b).pp.files);
      if (d) dtsis.set(b, d);
    }
  }
  let keystrokes: { file: string; byKind: Map<KeystrokeKind, { ms: number[]; serverMs: number[] }> } | undefined;
  if (want('server')) try {
    await c.initialize(dtsDir, SERVER_SETTINGS); // the default settings (75 ms debounce for bursts, isolated edits at once)
    await memSnap('started (no document)');
    for (const b of boards) {
      progress(`open ${path.relative(dtsDir, b)}`);
      await c.open(b);
      await c.c.waitForDiagnostics(b, () => true, 60_000, true);
    }
    await c.waitIndexed().catch(() => undefined);
    // the memory figure is taken with each board's largest .dtsi open too (as an editor has them)
    for (const d of dtsis.values()) await c.open(d);
    await c.c.waitQuiet(300, 120_000);
    await memSnap(MEM_OPEN);
    const rnd = prng(7);
    // 3. hover / definition (before edits: positions from the files on disk)
    for (const b of boards) {
      const d = dtsis.get(b);
      progress(`hover/definition ${path.relative(dtsDir, b)}`);
      const targets: Array<{ file: string; offsets: number[] }> = [{ file: b, offsets: spread(phandleOffsets(c.texts.get(b)!), Math.ceil(opts.requests / 2)) }];
      if (d) targets.push({ file: d, offsets: spread(phandleOffsets(c.texts.get(d)!), Math.floor(opts.requests / 2)) });
      const rr: RequestResult = { board: b, hover: [], definition: [], answered: 0, total: 0 };
      for (const t of targets) {
        const h = await timedRequests(c, t.file, t.offsets, 'textDocument/hover');
        const g = await timedRequests(c, t.file, t.offsets, 'textDocument/definition');
        rr.hover.push(...h.times);
        rr.definition.push(...g.times);
        rr.answered += h.answered + g.answered;
        rr.total += 2 * t.offsets.length;
      }
      requests.push(rr);
    }
    // 2. edits
    let done = 0;
    for (const b of boards) {
      const d = dtsis.get(b);
      progress(`${opts.edits} edits ${path.relative(dtsDir, b)}`);
      const e: EditResult = { board: b, dtsi: d ?? '', boardMs: [], dtsiMs: [], serverMs: [], published: 0 };
      const half = d ? Math.ceil(opts.edits / 2) : opts.edits;
      e.published += await editBurst(c, b, b, half, rnd, e.boardMs, e.serverMs, TYPING_PACE_MS);
      if (d) e.published += await editBurst(c, b, d, opts.edits - half, rnd, e.dtsiMs, e.serverMs, TYPING_PACE_MS);
      done += opts.edits;
      edits.push(e);
    }
    // 2b. structural keystrokes, in the .dtsi of the board the requirement names (sc7280)
    const kb = boards.find((b) => b.includes('sc7280')) ?? boards[0];
    const kd = dtsis.get(kb);
    if (kd && opts.keystrokeRounds > 0) {
      progress(`structural keystrokes in ${path.basename(kd)}`);
      keystrokes = { file: kd, byKind: await keystrokeBurst(c, kd, opts.keystrokeRounds, prng(11)) };
    }
    await memSnap(`after ${done} edits`);
    // 4. memory over many edits
    const extra = Math.max(0, opts.memoryEdits - done);
    if (extra > 0) {
      progress(`${extra} more edits for the memory figure`);
      const sink: number[] = [];
      const sinkS: number[] = [];
      let k = 0;
      while (k < extra) {
        for (const b of boards) {
          if (k >= extra) break;
          const files = [b, dtsis.get(b)].filter((x): x is string => !!x);
          const f = files[k % files.length];
          await editBurst(c, b, f, 1, rnd, sink, sinkS);
          k++;
        }
      }
      await memSnap(`after ${done + extra} edits`);
    }
  } finally {
    await c.shutdown();
  }

  // 6. requests while busy (a fresh server)
  let busy: BusyResult | undefined;
  if (want('busy')) {
    progress('requests while four boards open at once');
    busy = await runBusy(dtsDir, boards, dtsis, SERVER_SETTINGS);
  }
  // 7. process cold start
  let startup: StartupResult | undefined;
  if (want('startup')) {
    progress('process cold start: dts-check vs cpp + dtc');
    startup = runStartup(REPO, kernel, boards[0], 20, opts.bindings ? [] : ['--no-bindings']);
  }

  // 5. corpus
  let corpus: Awaited<ReturnType<typeof corpusRun>> | undefined;
  let corpusBoards = 0;
  if (opts.corpus && want('corpus')) {
    let all = arm64Boards(kernel);
    if (opts.corpusLimit > 0) all = all.slice(0, opts.corpusLimit);
    corpusBoards = all.length;
    corpus = await corpusRun(kernel, all, opts.jobs);
  }

  // ---- report ----
  const rel = (b: string): string => path.relative(dtsDir, b);
  say(`### 1. Cold analysis through the server (time to first diagnostics)`);
  say();
  say(`Fresh \`${Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v} `).join('')}node ${[...SERVER_NODE_OPTIONS, ...(process.env.DTS_LSP_NODE_FLAGS ?? '').split(' ').filter((f) => f)].join(' ')} bin/dts-lsp --stdio\` per run (started as the VS Code extension starts it), workspace folder = \`arch/arm64/boot/dts\` (the server starts indexing it after \`initialized\`), board opened right after \`initialized\`; median of ${opts.runs} runs. "after index": opened once the workspace index is done.`);
  say();
  say(`| board | files | didOpen → diagnostics | spawn → diagnostics | server analysis | after index: didOpen → diagnostics | in-process cold | in-process 2nd |`);
  say(`|---|---:|---:|---:|---:|---:|---:|---:|`);
  for (const x of cold) {
    const inp = inproc.find((i) => i.board === x.board);
    say(`| ${rel(x.board)} | ${inp?.files ?? ''} | ${fmtMs(median(x.runs.map((r) => r.openToDiag)))} ms | ${fmtMs(median(x.runs.map((r) => r.spawnToDiag)))} ms | ${fmtMs(median(x.runs.map((r) => r.serverMs)))} ms | ${fmtMs(median(x.afterIndex.map((r) => r.openToDiag)))} ms | ${inp ? fmtMs(inp.coldMs) + ' ms' : ''} | ${inp ? fmtMs(inp.secondMs) + ' ms' : ''} |`);
  }
  say();
  say(`### 2. Edit latency (didChange → analysis done and diagnostics published)`);
  say();
  say(`One server with the four boards open and the default settings: an isolated edit is analysed at once, edits closer together than the 75 ms debounce wait for it. Timed from the didChange sent to the server's log line of that analysis, which it writes after publishing the diagnostics (binding findings carried over included). The edits come at a typing pace (one every ${TYPING_PACE_MS} ms), so this is the latency a user sees. Edits alternate between two kinds, at random places (seeded): a space inserted after a whitespace character (no token changes) and one digit of a number in a cell list changed (a value: the property's cells change); both keep the file valid. Half of a board's edits go to the board file, then half to its largest .dtsi. "server" is the analysis time the server logs.`);
  say();
  say(`| board | edits | board file median / p95 | largest .dtsi | .dtsi median / p95 | all median / p95 | server analysis median / p95 | in-process board / .dtsi median |`);
  say(`|---|---:|---:|---|---:|---:|---:|---:|`);
  for (const e of edits) {
    const all = [...e.boardMs, ...e.dtsiMs];
    const inp = inproc.find((i) => i.board === e.board);
    say(`| ${rel(e.board)} | ${all.length} | ${fmtMs(median(e.boardMs))} / ${fmtMs(p95(e.boardMs))} ms | ${e.dtsi ? path.basename(e.dtsi) : '-'} | ${fmtMs(median(e.dtsiMs))} / ${fmtMs(p95(e.dtsiMs))} ms | ${fmtMs(median(all))} / ${fmtMs(p95(all))} ms | ${fmtMs(median(e.serverMs))} / ${fmtMs(p95(e.serverMs))} ms | ${inp ? `${fmtMs(median(inp.editBoardMs))} / ${fmtMs(median(inp.editDtsiMs))} ms` : ''} |`);
  }
  const allEdits = edits.flatMap((e) => [...e.boardMs, ...e.dtsiMs]);
  say(`| **all** | ${allEdits.length} | | | | **${fmtMs(median(allEdits))} / ${fmtMs(p95(allEdits))} ms** | | |`);
  for (const k of ['space', 'value'] as const) {
    if (byKind[k].length) say(`| ${k === 'space' ? 'space edits' : 'value edits'} | ${byKind[k].length} | | | | ${fmtMs(median(byKind[k]))} / ${fmtMs(p95(byKind[k]))} ms | | |`);
  }
  say();
  if (keystrokes) {
    say(`### 2b. Structural keystrokes (didChange → analysis done and diagnostics published)`);
    say();
    say(`The same server, after the edits above, in \`${rel(keystrokes.file)}\` (its board's context), at the same typing pace: keystrokes that change names and references, not only white space and digits (\`scripts/bench/keystrokes.ts\`, seeded). A round of each kind at a random place: "property name", "node name", "reference" (a \`&label\` in a cell list: unresolved while typed) and "label": a letter typed at the end of the name, then deleted (two keystrokes); "new property": the line \`vendor,typed-prop = <1 2>;\` typed one character at a time after a \`status\` line (the intermediate texts have syntax errors), then deleted at once (not timed). ${opts.keystrokeRounds} rounds of each kind.`);
    say();
    say(`| keystrokes | count | median / p95 | server analysis median / p95 |`);
    say(`|---|---:|---:|---:|`);
    const allK: number[] = [];
    for (const [kind, v] of keystrokes.byKind) {
      allK.push(...v.ms);
      say(`| ${kind} | ${v.ms.length} | ${fmtMs(median(v.ms))} / ${fmtMs(p95(v.ms))} ms | ${fmtMs(median(v.serverMs))} / ${fmtMs(p95(v.serverMs))} ms |`);
    }
    say(`| **all** | ${allK.length} | **${fmtMs(median(allK))} / ${fmtMs(p95(allK))} ms** | |`);
    say();
  }
  say(`### 3. Hover and definition latency on phandle references`);
  say();
  say(`| board | requests | hover median / p95 | definition median / p95 | answered |`);
  say(`|---|---:|---:|---:|---:|`);
  for (const r of requests) {
    say(`| ${rel(r.board)} | ${r.total} | ${fmtMs(median(r.hover))} / ${fmtMs(p95(r.hover))} ms | ${fmtMs(median(r.definition))} / ${fmtMs(p95(r.definition))} ms | ${r.answered}/${r.total} |`);
  }
  const allH = requests.flatMap((r) => r.hover);
  const allD = requests.flatMap((r) => r.definition);
  say(`| **all** | ${allH.length + allD.length} | **${fmtMs(median(allH))} / ${fmtMs(p95(allH))} ms** | **${fmtMs(median(allD))} / ${fmtMs(p95(allD))} ms** | |`);
  say();
  say(`### 4. Memory of the server`);
  say();
  say(`"0.2 s after": sampled 0.2 s after the last answer, as the work left the heap. "At rest": after ${REST_MS / 1000} s more without a message (the server compacts its heap after ${IDLE_GC_DELAY_MS / 1000} s of quiet and shrinks its young generation ${IDLE_SHRINK_DELAY_MS / 1000} s later, or ${(2 * IDLE_SHRINK_DELAY_MS) / 1000} s later; the idle collections column counts the compactions and gives the last one's duration).`);
  say();
  say(`| when | RSS 0.2 s after | heap used / total 0.2 s after | RSS at rest | heap used / total at rest | idle collections |`);
  say(`|---|---:|---:|---:|---:|---:|`);
  for (const m of mem) {
    say(`| ${m.when} | ${fmtMB(m.busy.rss)} MB | ${fmtMB(m.busy.heapUsed)} / ${fmtMB(m.busy.heapTotal)} MB | ${fmtMB(m.rest.rss)} MB | ${fmtMB(m.rest.heapUsed)} / ${fmtMB(m.rest.heapTotal)} MB | ${m.idleCollections} (last ${fmtMs(m.idleMs)} ms) |`);
  }
  const open = mem.find((m) => m.when === MEM_OPEN);
  const last = mem[mem.length - 1];
  const atRest = mem.filter((m) => m.when === MEM_OPEN || /^after \d+ edits$/.test(m.when)).map((m) => `${m.when}: ${fmtMB(m.rest.rss)} MB`);
  if (atRest.length) say(`\nRSS at rest (target ≤ 120 MB): ${atRest.join('; ')}.`);
  if (open && last && last !== open) {
    say(`\nRSS after the edits / with the four boards open: at rest ${(last.rest.rss / open.rest.rss).toFixed(2)}; 0.2 s after ${(last.busy.rss / open.busy.rss).toFixed(2)}`);
  }
  say();
  if (corpus) {
    say(`### 5. Corpus throughput (${corpusBoards} arm64 boards)`);
    say();
    say(`CPU = user + sys of the whole process tree (bash \`time\`). cpp + dtc: \`cpp ${'<kernel flags>'} board.dts | dtc -I dts -O dtb -o /dev/null -\` per board, sequentially.`);
    say();
    say(`| tool | CPU s | wall s | boards/s (CPU) | boards/s (wall) |`);
    say(`|---|---:|---:|---:|---:|`);
    const row = (name: string, t: { user: number; sys: number; real: number; code: number }): void => {
      const cpu = t.user + t.sys;
      if (name.startsWith('bin/dts-check') && t.code !== 0 && t.code !== 1) say(`(${name} exited with status ${t.code}: the figure is not valid)`);
      say(`| ${name} | ${cpu.toFixed(1)} | ${t.real.toFixed(1)} | ${(corpusBoards / cpu).toFixed(1)} | ${(corpusBoards / t.real).toFixed(1)} |`);
    };
    row('bin/dts-check (one process)', corpus.check);
    if (corpus.checkJobs) row(`bin/dts-check --jobs ${opts.jobs}`, corpus.checkJobs);
    row('cpp + dtc', corpus.dtc);
    const ratio = (corpus.check.user + corpus.check.sys) / (corpus.dtc.user + corpus.dtc.sys);
    say();
    say(`**CPU ratio dts-check / (cpp + dtc): ${ratio.toFixed(2)}** (below 1 = less CPU than cpp + dtc)`);
    if (corpus.checkJobs) say(`Wall ratio dts-check --jobs ${opts.jobs} / (cpp + dtc, sequential): ${(corpus.checkJobs.real / corpus.dtc.real).toFixed(2)}`);
    say();
  }
  if (busy) for (const l of busyReport(busy, rel, fmtMs, median)) say(l);
  if (startup) for (const l of startupReport(startup, rel)) say(l);
  say(`Cores: ${cpus.length}. Load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}.`);

  if (opts.writeMd) writeMarkdown(out.join('\n'));
}

function writeMarkdown(results: string): void {
  const file = path.join(REPO, 'BENCHMARKS.md');
  const marker = '<!-- bench results -->';
  let text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# Benchmarks\n\n${marker}\n`;
  const i = text.indexOf(marker);
  text = i < 0 ? `${text.trimEnd()}\n\n${marker}\n` : text.slice(0, i + marker.length) + '\n';
  fs.writeFileSync(file, `${text}\n${results}\n`);
  progress(`results written to ${file}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
