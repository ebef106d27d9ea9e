// Scheduling of analyses: the debounced background run over the dirty contexts (one stage at a time,
// abandoned when superseded by an edit), the synchronous analysis a request asks for, and the
// bookkeeping of a finished analysis (what it read, its diagnostics by file).
import { setImmediate as pauseImmediate } from 'node:timers/promises';
import type { Analysis } from '../analysis';
import type { Diagnostic } from '../base/diagnostics';
import type { Context } from './contexts';
import type { DtsServer } from './server';
import { performance } from 'node:perf_hooks';
import { TRACE, traceLine, traceMark, traced } from './trace';

/** Binding validation of a context starts once no analysis (of it or any other context) has finished for this long (typing paused). */
const VALIDATION_QUIET_MS = 300;
/** A background analysis's merge, graph and checks pause at least this often for requests (AnalysisHost.sliceMs). */
export const ANALYSIS_SLICE_MS = 15;
/**
 * A background analysis pauses between its stages (for edits, requests and shutdown to get in) once it has run this
 * long since the last pause: the stages of a keystroke's analysis, ~1-3 ms together, run without a pause.
 */
export const STEP_PAUSE_AFTER_MS = 4;

export class AnalysisScheduler {
  /** the scheduled analysis run: a timer, or an immediate for "now" (setTimeout(0) waits at least 1 ms) */
  private timer: { cancel(): void } | undefined;
  private running = false;
  private rerun = false;
  /** per context root: when a document of it was last edited, opened or asked about */
  private readonly activity = new Map<string, number>();
  private tick = 0;
  /** requests waiting for a fresh analysis of their context */
  private readonly waiters: { ctx: Context; resolve: (fresh: boolean) => void }[] = [];

  constructor(private readonly s: DtsServer) {}

  /** An analysis run is in progress (not only scheduled). */
  get isRunning(): boolean {
    return this.running;
  }

  /** An analysis run is in progress or scheduled. */
  pending(): boolean {
    return this.running || this.timer !== undefined;
  }

  cancel(): void {
    if (this.timer) this.timer.cancel();
  }

  schedule(delayMs: number): void {
    if (this.s.isShuttingDown) return;
    if (this.timer) this.timer.cancel();
    const run = (): void => {
      this.timer = undefined;
      void this.runPending();
    };
    if (delayMs <= 0) {
      const h = setImmediate(run);
      this.timer = { cancel: () => clearImmediate(h) };
    } else {
      const h = setTimeout(run, delayMs);
      this.timer = { cancel: () => clearTimeout(h) };
    }
  }

  /** per context root: the binding validation waiting for typing to pause */
  private readonly validations = new Map<string, NodeJS.Timeout>();

  /** A binding validation waits for typing to pause. */
  validationPending(): boolean {
    return this.validations.size > 0;
  }

  /** when an analysis (of any context) last finished: typing anywhere holds every validation back */
  private lastFinishedAt = 0;

  private deferValidation(ctx: Context, delayMs = VALIDATION_QUIET_MS): void {
    const old = this.validations.get(ctx.root);
    if (old) clearTimeout(old);
    this.validations.set(ctx.root, setTimeout(() => {
      this.validations.delete(ctx.root);
      // typing goes on in another context (a board left for another one): wait for it to pause too, so that
      // the validation's work on this thread (~15 ms for a SoC board) does not land between its keystrokes
      const quiet = Date.now() - this.lastFinishedAt;
      if (quiet < VALIDATION_QUIET_MS && !this.s.isShuttingDown) { this.deferValidation(ctx, VALIDATION_QUIET_MS - quiet); return; }
      // still the current analysis of a live context, and no newer one on the way (it will ask again)
      if (this.s.isShuttingDown || this.s.contexts.byRoot.get(ctx.root) !== ctx || this.s.contexts.isStale(ctx)) return;
      try {
        traced('bindings.validate', () => this.s.bindings.validate(ctx));
      } catch (e) {
        this.s.logError('bindings', e);
      }
    }, delayMs));
  }

  cancelValidations(): void {
    for (const t of this.validations.values()) clearTimeout(t);
    this.validations.clear();
  }

  /** The user is looking at (or typing in) a document of this context: it is analysed before the others. */
  touch(root: string): void {
    this.activity.set(root, ++this.tick);
  }

  /** the context being analysed in the background, and since when */
  private current: { ctx: Context; t0: number } | undefined;

  /**
   * About how long until `ctx` has a fresh analysis (ms): what is left of the analysis running now, then
   * its own, each estimated by the duration of that context's last analysis; Infinity for a context never
   * analysed (its first analysis is a cold one).
   */
  expectedFreshMs(ctx: Context): number {
    const est = (c: Context): number => (c.analysis ? c.durationMs : Infinity);
    const cur = this.current;
    if (!cur) return est(ctx);
    const left = Math.max(0, est(cur.ctx) - (Date.now() - cur.t0));
    return cur.ctx === ctx ? left : left + est(ctx);
  }

  /**
   * Resolves once the context has an analysis of the current texts, or after `timeoutMs` (false then).
   * A dirty context waiting for the debounce is analysed at once.
   */
  whenFresh(ctx: Context, timeoutMs: number): Promise<boolean> {
    if (!this.s.contexts.isStale(ctx)) return Promise.resolve(true);
    this.touch(ctx.root);
    if (!this.running) this.schedule(0);
    return new Promise<boolean>((resolve) => {
      const w = { ctx, resolve: (ok: boolean) => { clearTimeout(t); resolve(ok); } };
      const t = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Wake the requests waiting for contexts that are fresh now (or gone). */
  private wake(): void {
    if (this.waiters.length === 0) return;
    const byRoot = this.s.contexts.byRoot;
    for (const w of [...this.waiters]) {
      const gone = byRoot.get(w.ctx.root) !== w.ctx;
      if (gone || !this.s.contexts.isStale(w.ctx)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(!gone);
      }
    }
  }

  /** The dirty context of `among` to analyse next: the most recently active one (the visible document's). */
  private next(among: Set<Context>): Context | undefined {
    let best: Context | undefined;
    let bestTick = -1;
    const live = this.s.contexts.byRoot;
    const consider = (ctx: Context): void => {
      if (!ctx.dirty || live.get(ctx.root) !== ctx) return;
      const t = this.activity.get(ctx.root) ?? 0;
      if (t > bestTick) { best = ctx; bestTick = t; }
    };
    for (const ctx of among) consider(ctx);
    // a context a request waits for joins the run even if it was made during it
    for (const w of this.waiters) if (!among.has(w.ctx)) { among.add(w.ctx); consider(w.ctx); }
    return best;
  }

  private async runPending(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    const contexts = this.s.contexts.byRoot;
    try {
      // each context dirty at the start once per run, the most recently active first (a superseded one, and
      // contexts made during the run, wait for the next run)
      const todo = new Set(contexts.values());
      for (let ctx = this.next(todo); ctx && !this.s.isShuttingDown; ctx = this.next(todo)) {
        todo.delete(ctx);
        await this.analyzeContextInSteps(ctx);
        this.wake();
        await pauseImmediate(); // let edits and requests in between contexts
      }
      this.s.publisher.publish();
      // an edit the run did not see (a file not read yet when it came, or read before it): analysed again,
      // at once unless an edit's debounce is pending anyway
      for (const ctx of contexts.values()) {
        if (!ctx.dirty && this.s.contexts.isStale(ctx)) ctx.dirty = true;
        if (ctx.dirty && this.timer === undefined) this.rerun = true;
      }
    } catch (e) {
      this.s.logError('analysis', e);
    } finally {
      this.running = false;
      this.wake();
      this.s.idle.touch();
      if (this.rerun) {
        this.rerun = false;
        this.schedule(0);
      }
    }
  }

  /** Analyse a context now (for a request that needs a fresh analysis). Time-bounded by the facade's budget. */
  analyzeContext(ctx: Context): void {
    ctx.dirty = false;
    const t0 = Date.now();
    let analysis: Analysis;
    try {
      analysis = this.s.host.analyze(ctx.root, () => this.s.isShuttingDown, undefined, { base: ctx.base });
    } catch (e) {
      this.s.logError(`analyze ${ctx.root}`, e);
      ctx.analysis = undefined;
      ctx.diagnosticsByFile = new Map();
      return;
    }
    if (TRACE) traceLine(`sync analysis ${ctx.root.replace(/.*\//, '')} ${Date.now() - t0} ms`);
    this.finishAnalysis(ctx, analysis, t0);
    this.wake();
  }

  /**
   * Analyse a context in the background, one stage at a time: between stages edits, requests and
   * shutdown get in. An edit of a file the context reads (it becomes dirty again), a synchronous
   * analysis by a request, or shutdown supersede this run: it is abandoned (returns false).
   */
  private async analyzeContextInSteps(ctx: Context): Promise<boolean> {
    ctx.dirty = false;
    const t0 = Date.now();
    const startCount = ctx.analyses;
    // a context with no finished analysis whose first one was superseded by an edit finishes this one (its
    // result is then stale, and the context analysed again at once, incrementally): under steady typing in
    // its files (a SoC .dtsi open beside its board) every cold analysis would be thrown away again
    const finish = !ctx.analysis && this.coldSuperseded.has(ctx.root);
    let superseded = false;
    const isCancelled = (): boolean => superseded || this.s.isShuttingDown;
    this.s.log(`analysing ${ctx.root}`);
    traceMark('start');
    const steps = this.s.host.analyzeSteps(ctx.root, isCancelled, undefined, { base: ctx.base });
    let analysis: Analysis;
    this.current = { ctx, t0 };
    try {
      let ranSince = performance.now();
      for (;;) {
        const ts = TRACE ? performance.now() : 0;
        const r = steps.next();
        if (TRACE) traceLine(`step ${ctx.root.replace(/.*\//, '')} ${r.done ? 'checks' : r.value} ${(performance.now() - ts).toFixed(1)} ms`);
        if (r.done) { analysis = r.value; break; }
        // short steps run on: a keystroke's analysis (~1-3 ms in all) is not held up by event-loop turns (~0.2 ms each
        // here) that could only let in a message it would then wait for
        if (performance.now() - ranSince < STEP_PAUSE_AFTER_MS) continue;
        // two turns: messages read in this turn are dispatched by the JSON-RPC layer in an immediate of its own
        await pauseImmediate();
        await pauseImmediate();
        ranSince = performance.now();
        if ((ctx.dirty && !finish) || this.s.isShuttingDown || ctx.analyses !== startCount || this.s.contexts.byRoot.get(ctx.root) !== ctx) {
          superseded = true;
          if (ctx.dirty && !ctx.analysis) this.coldSuperseded.add(ctx.root);
          steps.return(undefined as never);
          this.s.stats.cancelledAnalyses++;
          this.s.log(`analysis of ${ctx.root} superseded after ${Date.now() - t0} ms`);
          if (!this.s.isShuttingDown && ctx.analyses === startCount) ctx.dirty = true; // it still needs a fresh analysis
          return false;
        }
      }
    } catch (e) {
      this.s.logError(`analyze ${ctx.root}`, e);
      ctx.analysis = undefined;
      ctx.diagnosticsByFile = new Map();
      return false;
    } finally {
      this.current = undefined;
    }
    this.finishAnalysis(ctx, analysis, t0);
    return true;
  }

  /** roots of contexts whose first analysis was superseded (see analyzeContextInSteps) */
  private readonly coldSuperseded = new Set<string>();

  private finishAnalysis(ctx: Context, analysis: Analysis, t0: number): void {
    this.coldSuperseded.delete(ctx.root);
    ctx.analysis = analysis;
    ctx.files = new Set(analysis.pp?.files ?? [ctx.root]);
    ctx.files.add(ctx.root);
    ctx.versions = new Map();
    ctx.lineIndexes = new Map();
    ctx.mappedIndexes = new Map();
    // the versions it read, when it read them (a document edited during the analysis leaves it stale)
    for (const [f, v] of analysis.readVersions ?? []) if (v !== null) ctx.versions.set(f, v);
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of analysis.diagnostics) {
      let list = byFile.get(d.file);
      if (!list) { list = []; byFile.set(d.file, list); }
      list.push(d);
    }
    ctx.diagnosticsByFile = byFile;
    ctx.durationMs = Date.now() - t0;
    this.lastFinishedAt = Date.now();
    ctx.analyses++;
    const stats = this.s.stats;
    stats.analyses++;
    stats.lastAnalysisMs = ctx.durationMs;
    // binding validation (a worker) once typing pauses; the last findings are carried over at once
    traced('bindings.onAnalysis', () => this.s.bindings.onAnalysis(ctx, false));
    this.deferValidation(ctx);
    // the diagnostics go out now; then the log line (the benchmark times an edit to it: edit -> diagnostics published)
    traceMark('finished');
    traced('publish', () => this.s.publisher.publish(false));
    traceMark('published');
    // what follows a keystroke's edit in the AST moves only once the diagnostics and this line are written out
    // (Analysis.settle; a request that reads the AST before moves it then)
    void this.s.logWritten(`analysed ${ctx.root} (${ctx.files.size} files, ${analysis.diagnostics.length} diagnostics) in ${ctx.durationMs} ms`).then(() => {
      analysis.settle();
      // (after the messages that came meanwhile: an immediate)
      setImmediate(() => this.s.config.refreshDiskTrust());
    });
    // the status bar's count after them: each message is written out in turns of its own (vscode-jsonrpc), and the
    // diagnostics are what the user waits for
    this.s.publisher.sendContextStatus();
    // an open file analysed alone that this board reads (opened before the board): the board is its context now
    if (this.s.contexts.adoptLoneFiles(ctx)) this.schedule(0);
  }
}
