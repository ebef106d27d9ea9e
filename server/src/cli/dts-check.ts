// bin/dts-check: the same analysis as the language server, for the terminal and CI.
//   dts-check [-I dir]... [--define NAME[=VAL]]... [--format text|json|sarif]
//             [--severity CODE=LEVEL]... [--model FILE] [--emit-dts]
//             [--overlay FILE]... [--build-dir DIR] [--board NAME] [--flavour F] FILE...
//             [--kconfig FILE] [--kbuild-output DIR] [--cmdline STR] [--late-module NAME]... [--probe-report]
// Exit status: 0 no error-severity diagnostic, 1 at least one, 2 usage or I/O failure.
import * as os from 'node:os';
import * as path from 'node:path';
import type { MessagePort, Worker } from 'node:worker_threads';
import { AnalysisHost, type Analysis, type AnalysisOptions } from '../analysis';
import type { Diagnostic, Severity, SeverityOverrides } from '../base/diagnostics';
import { codeStamp, FolderCache, NodeFileSystem } from '../base/node-fs';
import { BindingsHost } from '../bindings';
import { locateDiagnostics } from '../tree/locate';
import { LineIndex } from '../base/text';
import { formatProbeReportText, probeReportJson } from '../model/probe/explain';
import { emitDts } from '../tree/emit';
import { isFlavour, type Flavour } from '../workspace/flavour';
import { buildDirBase } from '../workspace/stack';
import { formatJson, formatSarif, formatText, type CliContext, type CliDiagnostic, type CliRange } from './format';
import { RecordingFileSystem, type RunRecorder } from './run-cache';

const VERSION = '0.1.0';

const USAGE = `usage: dts-check [options] FILE...
       dts-check [options] --build-dir DIR
  -I DIR                 add an include directory (repeatable)
  -D, --define NAME[=V]  define a preprocessor macro (repeatable)
  --format FMT           text (default), json or sarif
  --severity CODE=LEVEL  set a diagnostic's severity: error|warning|information|hint|off|on (repeatable)
  --model FILE           IOMMU model override (JSON)
  --emit-dts             print the merged tree of FILE (with its overlays) as DTS instead of diagnostics
  --overlay FILE         stack an overlay on FILE (repeatable, in order): Zephyr .overlay in the same cpp
                         run, Linux .dtso applied like fdtoverlay
  --build-dir DIR        the devicetree stack a Zephyr build used (build_info.yml, CMakeCache.txt);
                         FILE may be left out (the build's board)
  --board NAME|FILE      the board an overlay is analysed on when it does not name one
  --flavour F            linux, zephyr, uboot or dtc (default: detected)
  --probe-report         print what Linux 6.12 does with every device node of FILE (text or --format json)
  --kconfig FILE         the kernel configuration (.config or defconfig) the predictions assume
                         (default: the Linux tree's .config, the build output's, else its defconfig)
  --kbuild-output DIR    the kernel build output directory (O=; default $KBUILD_OUTPUT)
  --cmdline STR          the kernel command line the boot loader passes (default: /chosen/bootargs)
  --late-module NAME     a module your system loads after the deferred-probe timeout (repeatable)
  --no-auto-include      do not detect Linux/Zephyr include paths
  --bindings DIR         validate against the bindings in DIR (repeatable; a Linux bindings folder, a dtschema
                         package, a processed-schema.json, a Zephyr dts/bindings folder); replaces the ones
                         found in the board's tree
  --no-bindings          no binding validation
  -j, --jobs N           analyse many FILEs in N worker threads (default 1; output identical)
  --no-cache             analyse even when an earlier run of one FILE with the same inputs could be replayed
  -h, --help             this help
  --version              print the version
`;

interface Args {
  files: string[];
  includePaths: string[];
  defines: Record<string, string>;
  format: 'text' | 'json' | 'sarif';
  severities: SeverityOverrides;
  model?: string;
  emitDts: boolean;
  autoInclude: boolean;
  jobs: number;
  probeReport: boolean;
  kconfig?: string;
  kbuildOutput?: string;
  cmdline?: string;
  lateModules: string[];
  bindings: string[];
  noBindings: boolean;
  overlays: string[];
  buildDir?: string;
  board?: string;
  flavour?: Flavour;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args | 'help' | 'version' {
  const a: Args = { files: [], includePaths: [], defines: {}, format: 'text', severities: {}, emitDts: false, autoInclude: true, jobs: 1, overlays: [], probeReport: false, lateModules: [], bindings: [], noBindings: false };
  const need = (i: number, opt: string): string => {
    if (i >= argv.length) throw new UsageError(`option ${opt} needs a value`);
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return 'help';
    if (arg === '--version') return 'version';
    if (arg === '-I' || arg === '--include') a.includePaths.push(path.resolve(need(++i, arg)));
    else if (arg.startsWith('-I') && arg.length > 2) a.includePaths.push(path.resolve(arg.slice(2)));
    else if (arg === '-D' || arg === '--define') addDefine(a, need(++i, arg));
    else if (arg.startsWith('--define=')) addDefine(a, arg.slice('--define='.length));
    else if (arg.startsWith('-D') && arg.length > 2) addDefine(a, arg.slice(2));
    else if (arg === '--format' || arg.startsWith('--format=')) {
      const f = arg === '--format' ? need(++i, arg) : arg.slice('--format='.length);
      if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format '${f}' (text, json or sarif)`);
      a.format = f;
    } else if (arg === '--severity' || arg.startsWith('--severity=')) {
      const s = arg === '--severity' ? need(++i, arg) : arg.slice('--severity='.length);
      const m = /^([a-z0-9-]+)=(error|warning|information|hint|off|on)$/.exec(s);
      if (!m) throw new UsageError(`--severity takes CODE=error|warning|information|hint|off|on, got '${s}'`);
      a.severities[m[1]] = m[2] as Severity | 'off' | 'on';
    } else if (arg === '--model' || arg.startsWith('--model=')) {
      a.model = path.resolve(arg === '--model' ? need(++i, arg) : arg.slice('--model='.length));
    } else if (arg === '--emit-dts') a.emitDts = true;
    else if (arg === '--probe-report') a.probeReport = true;
    else if (arg === '--kconfig' || arg.startsWith('--kconfig=')) a.kconfig = path.resolve(arg === '--kconfig' ? need(++i, arg) : arg.slice('--kconfig='.length));
    else if (arg === '--kbuild-output' || arg.startsWith('--kbuild-output=')) a.kbuildOutput = path.resolve(arg === '--kbuild-output' ? need(++i, arg) : arg.slice('--kbuild-output='.length));
    else if (arg === '--cmdline' || arg.startsWith('--cmdline=')) a.cmdline = arg === '--cmdline' ? need(++i, arg) : arg.slice('--cmdline='.length);
    else if (arg === '--late-module' || arg.startsWith('--late-module=')) a.lateModules.push(...(arg === '--late-module' ? need(++i, arg) : arg.slice('--late-module='.length)).split(',').filter(Boolean));
    else if (arg === '--no-auto-include') a.autoInclude = false;
    else if (arg === '--bindings' || arg.startsWith('--bindings=')) a.bindings.push(path.resolve(arg === '--bindings' ? need(++i, arg) : arg.slice('--bindings='.length)));
    else if (arg === '--no-bindings') a.noBindings = true;
    else if (arg === '--no-cache') { /* bin/dts-check's run cache: read there */ }
    else if (arg === '--overlay' || arg.startsWith('--overlay=')) a.overlays.push(path.resolve(arg === '--overlay' ? need(++i, arg) : arg.slice('--overlay='.length)));
    else if (arg === '--build-dir' || arg.startsWith('--build-dir=')) a.buildDir = path.resolve(arg === '--build-dir' ? need(++i, arg) : arg.slice('--build-dir='.length));
    else if (arg === '--board' || arg.startsWith('--board=')) {
      const b = arg === '--board' ? need(++i, arg) : arg.slice('--board='.length);
      a.board = /\.dts$/i.test(b) ? path.resolve(b) : b;
    } else if (arg === '--flavour' || arg.startsWith('--flavour=')) {
      const f = arg === '--flavour' ? need(++i, arg) : arg.slice('--flavour='.length);
      if (!isFlavour(f)) throw new UsageError(`unknown flavour '${f}' (linux, zephyr, uboot or dtc)`);
      a.flavour = f;
    }
    else if (arg === '-j' || arg === '--jobs' || arg.startsWith('--jobs=')) {
      const v = arg.startsWith('--jobs=') ? arg.slice('--jobs='.length) : need(++i, arg);
      if (!/^[1-9][0-9]{0,2}$/.test(v)) throw new UsageError(`--jobs takes a positive number, got '${v}'`);
      a.jobs = Number(v);
    }
    else if (arg === '--') a.files.push(...argv.slice(i + 1).map((f) => path.resolve(f))), (i = argv.length);
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    else a.files.push(path.resolve(arg));
  }
  if (a.files.length === 0 && !a.buildDir) throw new UsageError('no input file');
  if (a.emitDts && a.files.length > 1) throw new UsageError('--emit-dts takes exactly one FILE');
  if (a.overlays.length && a.files.length !== 1) throw new UsageError('--overlay stacks on exactly one FILE');
  if (a.probeReport && a.files.length > 1) throw new UsageError('--probe-report takes exactly one FILE');
  if (a.probeReport && a.format === 'sarif') throw new UsageError('--probe-report prints text or json');
  return a;
}

function addDefine(a: Args, spec: string): void {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`invalid macro name in --define '${spec}'`);
  a.defines[name] = eq < 0 ? '1' : spec.slice(eq + 1);
}

/** What bin/dts-check passes for its run cache (run-cache.ts): the recorder of this run's file-system answers. */
export interface RunHooks { recorder: RunRecorder }

/** Diagnostics whose presence makes the output depend on the clock (a time budget) or on a fault: not replayed. */
function noteUnstable(run: RunHooks | undefined, diags: readonly { code: string }[]): void {
  if (run && diags.some((d) => d.code === 'resource-limit' || d.code === 'internal-error')) run.recorder.unstable = true;
}

export function main(argv: string[], out: (s: string) => void, err: (s: string) => void, run?: RunHooks): number {
  let args: Args | 'help' | 'version';
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`dts-check: ${e.message}\n${USAGE}`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    out(USAGE);
    return 0;
  }
  if (args === 'version') {
    out(`dts-check ${VERSION}\n`);
    return 0;
  }

  const fs = run ? new RecordingFileSystem(run.recorder) : new NodeFileSystem();
  for (const f of [...args.files, ...args.overlays]) {
    const st = fs.stat(f);
    if (st !== 'file') {
      err(`dts-check: ${f}: ${st === 'directory' ? 'is a directory' : 'no such file'}\n`);
      return 2;
    }
  }
  let modelOverride: unknown;
  if (args.model) {
    const r = fs.readFile(args.model);
    if (!r.ok) {
      err(`dts-check: cannot read model file: ${r.message}\n`);
      return 2;
    }
    try {
      modelOverride = JSON.parse(r.text);
    } catch (e) {
      err(`dts-check: ${args.model}: invalid JSON: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const options: AnalysisOptions = {
    includePaths: args.includePaths,
    defines: args.defines,
    severities: args.severities,
    modelOverride,
    autoDetectIncludePaths: args.autoInclude,
    kernel: {
      kconfig: args.kconfig,
      buildOutput: args.kbuildOutput ?? (process.env.KBUILD_OUTPUT ? path.resolve(process.env.KBUILD_OUTPUT) : undefined),
      cmdline: args.cmdline,
      cmdlineSource: '--cmdline',
      lateModules: args.lateModules,
    },
    overlays: args.overlays.length ? args.overlays : undefined,
    buildDir: args.buildDir,
    board: args.board,
    flavour: args.flavour,
    zephyrBase: process.env.ZEPHYR_BASE,
    // one FILE: nothing analysed later reuses the preprocessor's and the parser's memos
    oneShot: args.files.length <= 1,
  };
  const bindingsOptions: CliBindings = { enabled: !args.noBindings, dirs: args.bindings };
  const bindings = bindingsHost(bindingsOptions, run);
  const host = new AnalysisHost(fs, { ...options, bindings });
  if (args.files.length === 0 && args.buildDir) {
    const base = buildDirBase(args.buildDir, fs, process.env.ZEPHYR_BASE);
    if (!base) {
      err(`dts-check: ${args.buildDir}: not a Zephyr build directory with a devicetree (no build_info.yml or CMakeCache.txt naming a board)\n`);
      return 2;
    }
    args.files.push(base);
  }
  // which base an overlay was analysed on (stderr: the formats on stdout stay as they are)
  const noteStack = (a: Analysis): void => {
    if (a.stack.baseNote) err(`dts-check: note: ${displayPath(a.root)}: analysed on ${displayPath(a.stack.base)}: ${a.stack.baseNote}\n`);
    if (a.stack.overlays.length && (a.stack.base === a.root || args.emitDts)) {
      err(`dts-check: note: ${displayPath(a.root)}: stack ${[a.stack.base, ...a.stack.overlays].map(displayPath).join(' + ')} (${a.stack.mode === 'fdtoverlay' ? 'overlays applied like fdtoverlay' : 'one cpp run'})\n`);
    }
  };

  if (args.emitDts) {
    const a = host.analyze(args.files[0]);
    noteStack(a);
    noteUnstable(run, a.diagnostics);
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      err(formatText(convert(errors, (f) => a.lineIndex(f)), displayPath));
    }
    out(emitDts(a.tree));
    return errors.length ? 1 : 0;
  }

  if (args.probeReport) {
    const a = host.analyze(args.files[0]);
    noteStack(a);
    if (a.flavour === 'zephyr') err(`dts-check: note: ${displayPath(a.root)} is a Zephyr devicetree; the probe report describes what Linux 6.12 would do with it\n`);
    noteUnstable(run, a.diagnostics);
    const report = a.probe();
    if (args.format === 'json') out(JSON.stringify(probeReportJson(report), null, 2) + '\n');
    else out(formatProbeReportText(report, displayPath(args.files[0])));
    const errors = a.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) err(formatText(convert(errors, (f) => a.lineIndex(f)), displayPath));
    return errors.length ? 1 : 0;
  }

  const all: CliDiagnostic[] = [];
  const seen = new Set<string>();
  const perFile = args.files.length >= WORKER_MIN_FILES ? analyzeInWorkers(args.files, options, args.jobs, bindingsOptions, args.format === 'json') : undefined;
  // the workers' file systems are not recorded
  if (perFile && run) run.recorder.unstable = true;
  for (let i = 0; i < args.files.length; i++) {
    let diags = perFile?.[i];
    if (!diags) {
      const a = host.analyze(args.files[i]);
      if (args.format === 'text') noteStack(a);
      if (args.format === 'json') locateDiagnostics(a.diagnostics, a.tree, a.pp.map);
      diags = convert(a.diagnostics, (file) => a.lineIndex(file));
    }
    for (const d of diags) {
      const key = `${d.file}\0${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}\0${d.code}\0${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(d);
    }
  }
  all.sort(compareDiagnostics);
  noteUnstable(run, all);
  if (args.format === 'json') {
    // the contexts from the plan (the same in worker threads): flavour and stack of every FILE
    const contexts: CliContext[] = args.files.map((f) => {
      const p = host.planFor(f);
      return { file: f, flavour: p.flavour.flavour, stack: { mode: p.mode, base: p.base, overlays: p.overlays, baseNote: p.baseNote, noBase: p.noBase } };
    });
    out(formatJson(all, contexts));
  }
  else if (args.format === 'sarif') {
    const { pathToFileURL } = require('node:url') as typeof import('node:url');
    out(formatSarif(all, (f) => pathToFileURL(f).href, VERSION));
  }
  else out(formatText(all, displayPath));
  // the node findings of this run, for the next (a board checked again validates only what changed)
  bindings.saveResults();
  return all.some((d) => d.severity === 'error') ? 1 : 0;
}

// ---- many files: worker threads ---------------------------------------------------------------
// A worker gets a contiguous slice of the FILEs (boards of one SoC family stay together and share its
// preprocessor and parser caches) and returns each file's converted diagnostics; the main thread merges
// them in FILE order, so the output is identical to the sequential run. Workers also get a larger young
// generation than the default process: the analysis allocates many short-lived objects and spends a
// third of its time in scavenges otherwise. main() stays synchronous: it blocks on a shared counter and
// reads the results with receiveMessageOnPort.

const WORKER_MIN_FILES = 16;
const YOUNG_GENERATION_MB = 192;
/** in a worker's process.argv: node:worker_threads is loaded only then (a one-board run never needs it, ~5 ms) */
const WORKER_ARG = '--dts-check-worker';

function workerThreads(): typeof import('node:worker_threads') {
  return require('node:worker_threads') as typeof import('node:worker_threads');
}

interface WorkerInput {
  kind: 'dts-check-worker'; files: string[]; options: AnalysisOptions; bindings: CliBindings; locate: boolean; done: SharedArrayBuffer; port: MessagePort;
}
interface WorkerOutput { results?: CliDiagnostic[][]; error?: string }

function analyzeInWorkers(files: string[], options: AnalysisOptions, jobs: number, bindings: CliBindings, locate: boolean): CliDiagnostic[][] | undefined {
  const { MessageChannel, receiveMessageOnPort, Worker } = workerThreads();
  const n = Math.max(1, Math.min(jobs, Math.ceil(files.length / 8)));
  const done = new SharedArrayBuffer(4);
  const counter = new Int32Array(done);
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  const slices: string[][] = [];
  for (let k = 0; k < n; k++) slices.push(files.slice(Math.floor((k * files.length) / n), Math.floor(((k + 1) * files.length) / n)));
  try {
    for (const slice of slices) {
      const { port1, port2 } = new MessageChannel();
      const input: WorkerInput = { kind: 'dts-check-worker', files: slice, options, bindings, locate, done, port: port2 };
      workers.push(new Worker(__filename, { argv: [WORKER_ARG], workerData: input, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } }));
      ports.push(port1);
    }
  } catch {
    for (const w of workers) void w.terminate();
    return undefined; // no worker threads here: the caller analyses sequentially
  }
  for (let seen = Atomics.load(counter, 0); seen < n; seen = Atomics.load(counter, 0)) Atomics.wait(counter, 0, seen, 1000);
  const results: CliDiagnostic[][] = [];
  let failure: string | undefined;
  for (const port of ports) {
    const m = receiveMessageOnPort(port)?.message as WorkerOutput | undefined;
    if (!m || !m.results) failure ??= m?.error ?? 'a worker thread returned no result';
    else results.push(...m.results);
    port.close();
  }
  for (const w of workers) void w.terminate();
  if (failure !== undefined) throw new Error(failure);
  return results;
}

function workerMain(input: WorkerInput): void {
  let out: WorkerOutput;
  try {
    const bindings = bindingsHost(input.bindings);
    const host = new AnalysisHost(new NodeFileSystem(), { ...input.options, bindings });
    const results: CliDiagnostic[][] = [];
    for (const f of input.files) {
      const a = host.analyze(f);
      if (input.locate) locateDiagnostics(a.diagnostics, a.tree, a.pp.map);
      results.push(convert(a.diagnostics, (file) => a.lineIndex(file)));
    }
    bindings.saveResults();
    out = { results };
  } catch (e) {
    out = { error: e instanceof Error ? e.stack ?? e.message : String(e) };
  }
  input.port.postMessage(out);
  const counter = new Int32Array(input.done);
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

const inWorker = process.argv.includes(WORKER_ARG) && !workerThreads().isMainThread;
if (inWorker && (workerThreads().workerData as WorkerInput | undefined)?.kind === 'dts-check-worker') workerMain(workerThreads().workerData as WorkerInput);

function displayPath(f: string): string {
  const rel = path.relative(process.cwd(), f);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : f;
}

function compareDiagnostics(a: CliDiagnostic, b: CliDiagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.range.start.line !== b.range.start.line) return a.range.start.line - b.range.start.line;
  return a.range.start.character - b.range.start.character;
}

interface CliBindings { enabled: boolean; dirs: string[] }

/** The bindings of the boards' trees, cached in the user's cache folder. */
function bindingsHost(b: CliBindings, run?: RunHooks): BindingsHost {
  const cacheRoot = process.env.DTS_LSP_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dts-lsp');
  return new BindingsHost(run ? new RecordingFileSystem(run.recorder) : new NodeFileSystem(), {
    enabled: b.enabled,
    dirs: b.dirs,
    cache: new FolderCache(path.join(cacheRoot, 'bindings')),
    env: { home: os.homedir(), virtualEnv: process.env.VIRTUAL_ENV },
    resultsStamp: codeStamp(__filename),
  });
}

function convert(diags: Diagnostic[], index: (file: string) => LineIndex | undefined): CliDiagnostic[] {
  const range = (file: string, start: number, end: number): CliRange => {
    const idx = index(file);
    if (!idx) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return { start: idx.positionAt(start), end: idx.positionAt(end) };
  };
  return diags.map((d) => ({
    file: d.file,
    range: range(d.file, d.start, d.end),
    severity: d.severity,
    code: d.code,
    message: d.message,
    related: (d.related ?? []).map((r) => ({ file: r.file, range: range(r.file, r.start, r.end), message: r.message })),
    ...(d.node !== undefined ? { node: d.node } : {}),
    ...(d.property !== undefined ? { property: d.property } : {}),
  }));
}

if (require.main === module && !inWorker) {
  let code: number;
  try {
    code = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
  } catch (e) {
    process.stderr.write(`dts-check: internal error: ${(e as Error).stack ?? e}\n`);
    code = 2;
  }
  process.exitCode = code;
}
