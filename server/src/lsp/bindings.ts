// Binding validation in the language server: after each analysis the merged tree (DTB form, packed) goes
// to the bindings worker; its findings become diagnostics of the context and are published on their own,
// after the cheap diagnostics. Until the worker answers for the new tree, the last findings are mapped onto
// it (no flicker while typing). One request per context in flight; newer trees wait and replace each other.
// The worker holds the schemas and compiled validators (~80 MB resident): once it has had nothing to do for
// WORKER_IDLE_MS it is released (it writes its node findings to the cache first, results-cache.ts), and the
// next validation starts a new one, which reads them back and validates only the nodes that changed.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { applySeverity, type Diagnostic } from '../base/diagnostics';
import { packTree, type PackedTree } from '../bindings/flatten';
import { reportFindings } from '../bindings/report';
import { compactIndex } from '../bindings/index-compact';
import type { BindingsHost, TreeInfo } from '../bindings';
import type { Analysis } from '../analysis';
import { LinuxDocs, type BindingDocs } from '../bindings/docs';
import type { FromWorker, SchemaIndex, ToWorker, WorkerConfig } from '../bindings/worker';
import type { Finding } from '../bindings/linux/validate';
import type { Context } from './contexts';
import type { DtsServer } from './server';

interface PerContext {
  /** findings of the last answer, and for which analysis (ctx.analyses) */
  findings: Finding[];
  forAnalysis: number;
  inFlight?: number;
  /** the analysis (ctx.analyses) the request in flight was made for */
  sentFor: number;
  /** the schema set the worker validated this context with */
  indexKey?: string;
  /** a newer tree to send when the one in flight is answered */
  next?: { analyses: number; info: TreeInfo; tree: PackedTree };
}

function workerPath(): string | undefined {
  const candidates = [
    path.join(__dirname, 'bindings-worker.js'), // the bundle (dist/server)
    path.join(__dirname, '../bindings/worker.js'), // out/server/src/lsp
  ];
  return candidates.find((p) => fs.existsSync(p));
}

export function bindingsCacheDir(): string {
  const root = process.env.DTS_LSP_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'dts-lsp');
  return path.join(root, 'bindings');
}

/** How long the worker may stay idle before it is released; DTS_LSP_BINDINGS_IDLE_MS overrides it (0: never). */
export const WORKER_IDLE_MS = 10_000;

function workerIdleMs(): number {
  const v = Number(process.env.DTS_LSP_BINDINGS_IDLE_MS);
  return process.env.DTS_LSP_BINDINGS_IDLE_MS !== undefined && Number.isFinite(v) && v >= 0 ? v : WORKER_IDLE_MS;
}

export class BindingsService {
  private worker: Worker | undefined;
  /** workers told to retire that have not ended yet */
  private readonly retiring = new Set<Worker>();
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly idleMs = workerIdleMs();
  private failed = false;
  private nextId = 1;
  private readonly state = new Map<string, PerContext>();
  /** schema sets the worker loaded, for hover / completion / signature help */
  readonly indexes = new Map<string, SchemaIndex>();
  private config: WorkerConfig = { enabled: true, dirs: [] };
  /** measurements (dts/stats, tests) */
  readonly stats = { requests: 0, answers: 0, lastMs: 0, lastValidated: 0, lastReused: 0, workerHeapUsed: 0, mainMs: [] as number[], packMs: [] as number[], workers: 0, released: 0, workerAlive: false };

  constructor(private readonly s: DtsServer) {}

  get enabled(): boolean {
    return this.config.enabled && !this.failed;
  }

  configure(enabled: boolean, dirs: string[]): void {
    const config: WorkerConfig = { enabled, dirs, cacheDir: bindingsCacheDir(), env: { home: os.homedir(), virtualEnv: process.env.VIRTUAL_ENV } };
    if (JSON.stringify(config) === JSON.stringify(this.config) && this.worker) return;
    this.config = config;
    this.state.clear();
    this.indexes.clear();
    this.linuxDocs.clear();
    this.post({ type: 'config', config });
  }

  /**
   * The context of `root` was dropped (no open document uses it): its findings and its request in flight go
   * with it. A new context of the same root counts its analyses from the start again: with the old state it
   * would take an old answer for its own, or skip the validation of its first analyses as sent already.
   */
  forget(root: string): void {
    this.state.delete(root);
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.failed) return this.worker;
    const file = workerPath();
    if (!file) {
      this.failed = true;
      this.s.log('bindings: the worker script is missing; binding validation is off');
      return undefined;
    }
    try {
      const w = new Worker(file, { resourceLimits: { maxYoungGenerationSizeMb: 32 } });
      w.on('message', (m: FromWorker) => this.onMessage(m));
      w.on('error', (e) => this.s.logError('bindings worker', e));
      w.on('exit', (code) => {
        this.retiring.delete(w);
        if (this.worker !== w) return; // a released worker
        this.worker = undefined;
        this.stats.workerAlive = false;
        if (code !== 0 && !this.s.isShuttingDown) this.s.log(`bindings: the worker exited (${code})`);
        for (const st of this.state.values()) st.inFlight = undefined;
      });
      w.unref();
      this.worker = w;
      this.stats.workers++;
      this.stats.workerAlive = true;
      w.postMessage({ type: 'config', config: this.config } satisfies ToWorker);
    } catch (e) {
      this.failed = true;
      this.s.logError('bindings worker', e);
    }
    return this.worker;
  }

  private post(m: ToWorker): void {
    if (m.type === 'config' && !this.worker) return; // sent when the worker starts
    this.ensureWorker()?.postMessage(m);
  }

  /**
   * After an analysis: map the last findings onto the new tree and send the tree for validation. With
   * `validate` false only the findings are mapped: the scheduler asks for the validation (validate) once
   * typing pauses, so that a burst of keystrokes does not pack and validate a tree per keystroke.
   */
  onAnalysis(ctx: Context, validate = true): void {
    const t0 = performance.now();
    this.onAnalysis0(ctx, validate);
    this.timeMain(this.stats.mainMs, t0);
  }

  /** The main thread's cost of the bindings per analysis and per validation sent (dts/stats, bench-bindings). */
  private timeMain(ms: number[], t0: number): void {
    ms.push(performance.now() - t0);
    if (ms.length > 1000) ms.splice(0, ms.length - 1000);
  }

  private onAnalysis0(ctx: Context, validate: boolean): void {
    const a = ctx.analysis;
    // (right after an analysis, before its diagnostics go out: the tree whose spans may move later, read through spanNow)
    if (!a || !this.enabled || (a.unsettledTree ?? a.tree).isPlugin) return;
    // configured folders apply to any non-Zephyr board (as `dts-check --bindings`), found ones to Linux / U-Boot trees
    if (a.flavour !== 'linux' && a.flavour !== 'uboot' && !(a.flavour !== 'zephyr' && this.config.dirs.length)) return;
    let st = this.state.get(ctx.root);
    if (!st) {
      st = { findings: [], forAnalysis: -1, sentFor: -1 };
      this.state.set(ctx.root, st);
    }
    if (st.findings.length) this.addDiagnostics(ctx, st.findings);
    if (validate) this.validate(ctx);
  }

  /** Send the context's tree (of its last analysis) for validation, unless it was sent already. */
  validate(ctx: Context): void {
    const t0 = performance.now();
    this.validate0(ctx);
    this.timeMain(this.stats.packMs, t0);
  }

  private validate0(ctx: Context): void {
    const a = ctx.analysis;
    const st = this.state.get(ctx.root);
    if (!a || !st || !this.enabled || st.sentFor === ctx.analyses || st.next?.analyses === ctx.analyses) return;
    const info: TreeInfo = { flavour: a.flavour, root: a.flavourRoot };
    const tree = packTree(a.tree);
    if (st.inFlight !== undefined) {
      st.next = { analyses: ctx.analyses, info, tree };
      return;
    }
    this.send(ctx.root, st, ctx.analyses, info, tree);
  }

  private send(root: string, st: PerContext, analyses: number, info: TreeInfo, tree: PackedTree): void {
    const w = this.ensureWorker();
    if (!w) return;
    this.cancelRelease();
    const id = this.nextId++;
    st.inFlight = id;
    st.sentFor = analyses;
    this.stats.requests++;
    w.postMessage({ type: 'validate', id, context: root, info, tree, haveIndexes: [...this.indexes.keys()] } satisfies ToWorker, [tree.data.buffer as ArrayBuffer, tree.layout.buffer as ArrayBuffer]);
  }

  private onMessage(m: FromWorker): void {
    const st = this.state.get(m.context);
    if (!st || st.inFlight !== m.id) return;
    st.inFlight = undefined;
    const sentFor = st.sentFor;
    if (m.type === 'error') {
      this.s.log(`bindings: validation of ${m.context} failed: ${m.message}`);
    } else {
      this.stats.answers++;
      this.stats.lastMs = m.ms;
      this.stats.lastValidated = m.validated;
      this.stats.lastReused = m.reused;
      this.stats.workerHeapUsed = m.heapUsed;
      if (m.index) this.indexes.set(m.index.key, compactIndex(m.index));
      if (m.key) st.indexKey = m.key;
      st.findings = m.findings;
      st.forAnalysis = sentFor;
      const ctx = this.s.contexts.byRoot.get(m.context);
      // the answer is for the context's current tree, or the next one is already waiting to be sent
      if (ctx && ctx.analyses === sentFor) {
        this.addDiagnostics(ctx, m.findings);
        this.s.publisher.publish();
      }
      this.s.log(`bindings: ${m.context}: ${m.findings.length} findings in ${m.ms} ms (${m.validated} nodes validated, ${m.reused} reused)`);
    }
    const next = st.next;
    st.next = undefined;
    if (next) this.send(m.context, st, next.analyses, next.info, next.tree);
    else if (this.idle()) this.scheduleRelease();
  }

  private cancelRelease(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** Release the worker once it has had nothing to do for idleMs. */
  private scheduleRelease(): void {
    this.cancelRelease();
    if (this.idleMs <= 0) return;
    this.idleTimer = setTimeout(() => this.release(), this.idleMs);
    this.idleTimer.unref();
  }

  /** The worker writes its findings to the cache and ends; the next validation starts another. */
  private release(): void {
    this.idleTimer = undefined;
    const w = this.worker;
    if (!w || !this.idle()) return;
    this.worker = undefined;
    this.stats.workerAlive = false;
    this.stats.released++;
    this.retiring.add(w);
    w.postMessage({ type: 'retire' } satisfies ToWorker);
    // one that does not end (a cache write that hangs) is stopped
    setTimeout(() => {
      if (this.retiring.has(w)) void w.terminate();
    }, 30_000).unref();
    this.s.log('bindings: worker released (idle)');
  }

  /** Replace the context's binding diagnostics by those of `findings` (mapped onto its current tree). */
  private addDiagnostics(ctx: Context, findings: Finding[]): void {
    const a = ctx.analysis;
    if (!a) return;
    const severities = this.s.currentSettings.severities;
    const diags: Diagnostic[] = [];
    // (an analysis with an unsettled tree has spanNow too)
    for (const d of reportFindings(findings, a.unsettledTree ?? a.tree, a.pp.map, undefined, a.spanNow)) {
      const x = applySeverity(d, severities);
      if (x) diags.push(x);
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const [file, list] of ctx.diagnosticsByFile) byFile.set(file, list.filter((d) => !d.code.startsWith('binding-')));
    for (const d of diags) {
      let l = byFile.get(d.file);
      if (!l) byFile.set(d.file, (l = []));
      l.push(d);
    }
    ctx.diagnosticsByFile = byFile;
  }

  private readonly linuxDocs = new Map<string, LinuxDocs>();
  /** the in-process bindings (Zephyr), set with the settings */
  inProcess: BindingsHost | undefined;

  /** What the editor features show of the bindings of an analysis. */
  docsFor(a: Analysis): BindingDocs | undefined {
    if (!this.config.enabled) return undefined;
    if (a.flavour === 'zephyr') return this.inProcess?.docsFor(a.tree, a.pp.map, a.bindingsInfo);
    const st = this.state.get(a.root);
    const key = st?.indexKey;
    const index = key ? this.indexes.get(key) : undefined;
    if (!key || !index) return undefined;
    let d = this.linuxDocs.get(key);
    if (!d) this.linuxDocs.set(key, (d = new LinuxDocs(this.s.fs, index)));
    return d;
  }

  /** Waits until no validation is in flight (tests, benchmarks). */
  idle(): boolean {
    for (const st of this.state.values()) if (st.inFlight !== undefined || st.next) return false;
    return true;
  }

  dispose(): void {
    this.cancelRelease();
    void this.worker?.terminate();
    for (const w of this.retiring) void w.terminate();
    this.retiring.clear();
    this.worker = undefined;
  }
}
