// The facade of the analysis core: AnalysisHost.analyze(root) runs
// preprocess -> parse -> merge -> model -> checks and returns plain data.
// The CLI and the language server only translate its results.
import { applySeverity, type Diagnostic, type PositionedDiagnostic } from './base/diagnostics';
import type { FileSystem } from './base/fs';
import { drain } from './base/slice';
import { SnapshotFileSystem } from './base/snapshot-fs';
import { flattenNow, LineIndex, sameString, type EditedText } from './base/text';
import type { TreeInfo } from './bindings';
import { graphDeltaMatters, readTest, relistUnits, rerunUnits, runChecksEach, runChecksSteps, type CheckRun } from './checks';
import { findKernelConfig, kernelEnvironmentOf, type KernelEnvironment, type KernelFiles } from './kernel/environment';
import { loadIommuModel, type IommuModel } from './model/iommu';
import { simulateProbe } from './model/probe/simulate';
import type { ProbeReport } from './model/probe/types';
import { createPreprocessCache, preprocess } from './preprocess';
import type { PreprocessResult } from './preprocess/types';
import type { DtsFile } from './syntax/ast';
import { ParseCache, parseDtsSteps, settleMoves } from './syntax/parse';
import { hasIncbin, patchTree, remapAll, settleTree, sortLikeMerge, spanNow, type MergeMemo, type PatchResult } from './tree/incremental';
import { buildTreeSteps } from './tree/merge';
import { memoSpanFailures } from './tree/invariants';
import { keepForUndo, sameText, takeBack, type UndoMemo } from './tree/undo';
import { noteReads, Reads, trackReads } from './tree/value-reads';
import type { LiveTree, TreeNode } from './tree/types';
import { analyzeOverlayStack, stackNotes, syntaxDiagnostic } from './analysis-stack';
import { graphAfterReshape, graphStage, type GraphCounters } from './analysis-graph';
import { flavourFromTree, flavourName } from './workspace/flavour';
import { planStack, type StackPlan } from './workspace/stack';
import { detectIncludePaths } from './workspace/include-paths';
import type { Analysis, AnalysisOptions, AnalysisStack, ContextPick } from './analysis-types';

export type { Analysis, AnalysisOptions, AnalysisStack, ContextPick } from './analysis-types';


/**
 * Time budget of one analysis. Past it every stage stops at its next check: the result is partial and a
 * 'resource-limit' diagnostic says where the analysis stopped.
 */
export const ANALYSIS_TIME_LIMIT_MS = 10_000;

/** How long a context's plan (workspace/stack.ts) is reused. */
const PLAN_TTL_MS = 2_000;

interface Kept<T> {
  value: T;
  at: number;
}

/** The value kept for key when it is younger than PLAN_TTL_MS, else a new one from make (kept; at most 256 per map). */
function keptFor<T>(map: Map<string, Kept<T>>, key: string, make: () => T): T {
  const now = Date.now();
  const kept = map.get(key);
  if (kept && now - kept.at < PLAN_TTL_MS) return kept.value;
  const value = make();
  if (map.size > 256) map.clear();
  map.set(key, { value, at: now });
  return value;
}

/** What of the kernel environment the checks read, as a key (their findings are reused only for the same one). */
function kernelEnvironmentKey(k: KernelEnvironment): string {
  let id = k.config ? configIds.get(k.config) : 0;
  if (id === undefined) { id = ++configCount; configIds.set(k.config!, id); }
  return JSON.stringify([id, k.description, k.cmdline, k.modules, k.deferredProbeTimeout, [...k.lateModules]]);
}
/** an id per kernel configuration object (a configuration read again is another object) */
const configIds = new WeakMap<object, number>();
let configCount = 0;

export class AnalysisHost {
  private readonly ppCache = createPreprocessCache();
  private readonly parseCache = new ParseCache();
  /** per parse owner (root): what the last analysis left for an incremental merge (options.incremental) */
  private readonly memos = new Map<string, MergeMemo>();
  /**
   * Per parse owner: the memo a full merge replaced because the keystroke could not be patched (a label that a
   * top-level `&label { … }` names, typed longer), with the base file it was made for. A keystroke that gives its
   * text back (the letter deleted again, an undo) takes it back: its tree, graph and findings are those of that text,
   * moved nowhere since, so nothing is merged, built or checked again (tree/undo.ts). Dropped at rest.
   */
  private readonly undoMemos = new Map<string, UndoMemo>();
  /**
   * The last line index made per file, for the next analysis that reads the same text (a keystroke's analysis
   * indexed every file with a diagnostic again: ~0.2 ms a keystroke on a SoC board). A line index is immutable.
   */
  private readonly lineIndexes = new Map<string, LineIndex>();

  private lineIndexOf(file: string, text: string, edited?: { file: string; view: EditedText }): LineIndex {
    const last = this.lineIndexes.get(file);
    // a keystroke's file: from the last index and the edit (the new text, not read yet, is not read: base/text.ts EditedText)
    const view = edited && edited.file === file && edited.view.text === text ? edited.view : undefined;
    const next = view && last ? last.afterEdit(view) : undefined;
    if (!next && last && last.text === text) return last;
    if (this.lineIndexes.size >= 2000) this.lineIndexes.clear();
    const idx = next ?? new LineIndex(text);
    this.lineIndexes.set(file, idx);
    return idx;
  }
  private model: IommuModel;
  private modelDiagnostics: Diagnostic[] = [];

  constructor(readonly fs: FileSystem, private options: AnalysisOptions = {}) {
    const m = loadIommuModel(options.modelOverride);
    this.model = m.model;
    this.modelDiagnostics = m.diagnostics;
  }

  setOptions(options: AnalysisOptions): void {
    this.options = options;
    this.memos.clear();
    this.undoMemos.clear();
    this.plans.clear();
    this.kernelFiles.clear();
    const m = loadIommuModel(options.modelOverride);
    this.model = m.model;
    this.modelDiagnostics = m.diagnostics;
  }

  /** The language server closed a context: the incremental merge forgets its tree. */
  forget(root: string): void {
    this.memos.delete(root);
    this.undoMemos.delete(root);
  }

  /**
   * The editor is idle: drop what only a later analysis might reuse and costs little to make again (the parse
   * cache's entries no open context's last parse uses). Returns the number of entries dropped.
   */
  releaseAtRest(): number {
    this.undoMemos.clear();
    return this.parseCache.trimToLive();
  }

  /** @internal Broken invariants of the incremental state (tree/invariants.ts, ParseCache.invariantFailures): none, always. */
  invariantFailures(): string[] {
    const out = this.parseCache.invariantFailures();
    for (const [root, memo] of this.memos) for (const f of memoSpanFailures(memo)) out.push(`${root}: ${f}`);
    return out;
  }

  get parseStats(): { parsed: number; reused: number } {
    return this.parseCache.stats;
  }

  /** Keystrokes the preprocessor replayed on its last run, parses made by editing the last one, trees patched. */
  get incrementalStats(): { preprocessReplays: number; parseEdits: number; mergePatches: number; mergeValuePatches: number; modelSkips: number; edgePatches: number; checksRerun: number; unitsRerun: number; cellsPatches: number; shapePatches: number; reshapePatches: number; shapeKeeps: number; undoRestores: number } {
    const g = this.graphCounters;
    return { preprocessReplays: this.ppCache.incremental, parseEdits: this.parseCache.edits, mergePatches: this.mergePatches, mergeValuePatches: this.mergeValuePatches, modelSkips: this.modelSkips, edgePatches: g.edgePatches, checksRerun: this.checksRerun, unitsRerun: this.unitsRerun, cellsPatches: g.cellsPatches, shapePatches: g.shapePatches, reshapePatches: this.reshapePatches, shapeKeeps: g.shapeKeeps, undoRestores: this.undoRestores };
  }
  private mergePatches = 0;
  private mergeValuePatches = 0;
  private modelSkips = 0;
  private checksRerun = 0;
  /** units of checks made of units (checks/index.ts rerunUnits) run again */
  private unitsRerun = 0;
  /** trees patched for a renamed property or node (graph and checks made again) */
  private reshapePatches = 0;
  /** keystrokes that gave back the text of a tree a full merge had replaced: that tree taken back (tree/undo.ts) */
  private undoRestores = 0;
  /** the graph stage's patches (analysis-graph.ts) */
  private readonly graphCounters: GraphCounters = { edgePatches: 0, cellsPatches: 0, shapePatches: 0, shapeKeeps: 0 };

  /**
   * The files and include directories of the context of root (workspace/stack.ts). A plan is kept for
   * PLAN_TTL_MS (the analyses of a burst of keystrokes share it: planning stats a few dozen folders); new
   * options or clearPlans() (the server calls it when files are created or deleted) drop the kept ones.
   */
  planFor(root: string, pick?: ContextPick): StackPlan {
    const o = this.options;
    return keptFor(this.plans, `${root}\0${pick?.base ?? ''}`, () => planStack(root, this.fs, {
      includePaths: o.includePaths, autoDetect: o.autoDetectIncludePaths, flavour: o.flavour, zephyrBase: o.zephyrBase,
      overlays: o.overlays, base: pick?.base, board: o.board, buildDir: o.buildDir,
    }));
  }

  /** Forget kept plans (files were created or deleted: a build directory, a board, an overlay). */
  clearPlans(): void {
    this.plans.clear();
    this.kernelFiles.clear();
  }

  /**
   * The kernel configuration the predictions for root assume (kernel/environment.ts), kept like a plan for
   * PLAN_TTL_MS: finding it stats the folders above the board and the candidate files on every analysis.
   */
  private kernelFilesFor(fs: FileSystem, root: string): KernelFiles {
    return keptFor(this.kernelFiles, root, () => findKernelConfig(fs, root, this.options.kernel));
  }

  private readonly kernelFiles = new Map<string, Kept<KernelFiles>>();

  private readonly plans = new Map<string, Kept<StackPlan>>();

  includePathsFor(root: string): string[] {
    const paths = [...(this.options.includePaths ?? [])];
    if (this.options.autoDetectIncludePaths !== false) {
      for (const p of detectIncludePaths(root, this.fs).includePaths) if (!paths.includes(p)) paths.push(p);
    }
    return paths;
  }

  /**
   * Analyse one context. `isCancelled` is polled by every stage (preprocess, parse, merge); a cancelled
   * or over-budget analysis stops early with a 'resource-limit' diagnostic and partial results.
   */
  analyze(root: string, isCancelled?: () => boolean, timeLimitMs: number = ANALYSIS_TIME_LIMIT_MS, pick?: ContextPick): Analysis {
    const steps = this.analyzeSteps(root, isCancelled, timeLimitMs, pick);
    for (;;) {
      const r = steps.next();
      if (r.done) { r.value.settle(); return r.value; }
    }
  }

  /**
   * The same analysis, one stage per step (it yields the name of the stage it just finished), so that a
   * caller (the language server) can let other events in between stages and abandon a superseded run.
   */
  *analyzeSteps(root: string, isCancelled?: () => boolean, timeLimitMs: number = ANALYSIS_TIME_LIMIT_MS, pick?: ContextPick): Generator<string, Analysis, void> {
    // one text per file for the whole analysis, document versions recorded as they are read
    const fs = new SnapshotFileSystem(this.fs);
    const sliceMs = this.options.sliceMs ?? Infinity;
    const deadline = Date.now() + timeLimitMs;
    let overBudget = false;
    const stop = (): boolean => {
      if (isCancelled && isCancelled()) return true;
      if (!overBudget && Date.now() > deadline) overBudget = true;
      return overBudget;
    };
    const plan = this.planFor(root, pick);
    const detected = plan.flavour;
    const zephyr = detected.flavour === 'zephyr';
    const ppOptions = {
      fs,
      includePaths: plan.includePaths,
      systemIncludePaths: plan.systemIncludePaths,
      defines: { __DTS__: '1', ...(this.options.defines ?? {}) },
      cache: this.options.oneShot ? undefined : this.ppCache,
      isCancelled: stop,
    };
    // a .dtsi (or header) analysed on its own is a fragment: no /dts-v1/ or root node required; so is an
    // overlay without a base
    const complete = !/\.(dtsi|h)$/i.test(plan.base) && !(plan.noBase && /\.(overlay|keymap)$/i.test(plan.base));
    let pp: PreprocessResult;
    let ast: DtsFile;
    let tree: LiveTree;
    let memo: MergeMemo | undefined;
    let patched: PatchResult | undefined;
    if (plan.mode === 'fdtoverlay') {
      const r = yield* analyzeOverlayStack(plan, ppOptions, this.options.oneShot ? undefined : this.parseCache, stop);
      pp = r.pp;
      ast = r.ast;
      tree = r.tree;
    } else {
      pp = preprocess(plan.base, { ...ppOptions, stack: plan.mode === 'cpp-include' ? plan.overlays : undefined });
      yield 'preprocess';
      const owner = plan.mode === 'single' ? plan.base : root;
      // a text equal to the last parse's (a context analysed again with nothing changed, an edit undone): one string
      // for both, else the last tree's names (slices of the text it was parsed from) keep a second copy alive
      const lastText = this.options.oneShot ? undefined : this.parseCache.lastParse(owner)?.text;
      if (lastText !== undefined && sameString(lastText, pp.text)) pp.text = lastText;
      else if (this.options.incremental) pp.text = sameText(this.undoMemos.get(owner), pp.text);
      ast = yield* parseDtsSteps(pp.text, this.options.oneShot ? undefined : this.parseCache, { complete, owner, isCancelled: stop, deferMoves: this.options.incremental, firstWholeMaxChars: this.options.firstWholeMaxChars }, sliceMs);
      yield 'parse';
      // a keystroke patches the last tree of this root (tree/incremental.ts); from here on no yield: the
      // last analysis, whose tree this is, stays whole until this one replaces it
      memo = this.options.incremental ? this.memos.get(owner) : undefined;
      patched = memo && !stop() ? patchTree(memo, ast, pp.text, { map: pp.map, fs, root: plan.base }) : undefined;
      // a text given back (an edit undone) whose tree a full merge replaced: that tree again, as a patch that changed nothing
      let tookBack = false;
      if (!patched && this.options.incremental && !stop()) {
        const back = takeBack(this.undoMemos, owner, plan.base, memo, ast, pp.text);
        if (back) {
          tookBack = true;
          memo = back;
          this.memos.set(owner, back);
          patched = { valueChanged: false };
          this.undoRestores++;
        }
      }
      // what follows the edit in the parse: moved in place when the last analysis is being replaced now (its
      // tree was patched; no pause follows), else copied (syntax/reparse.ts); in place, once the caller is
      // done with the diagnostics (settle): nothing before reads the AST after the edit
      if (!patched) settleMoves(ast, false);
      if (memo && patched) {
        // (a tree taken back is no patch: counted as undoRestores)
        if (!tookBack) this.mergePatches++;
        if (patched.valueChanged) this.mergeValuePatches++;
        if (patched.reshaped) {
          // a name changed: the graph and the checks read names, so both are made again (below), unless the patch says
          // what changed (shape: properties renamed, added or removed in one node, a node renamed, references or a
          // label changed): the graph is kept when its build read none of it (graphShape where that is less: the
          // properties whose references resolve otherwise are decoded again below), and only the checks that read any run again
          this.reshapePatches++;
          graphAfterReshape(memo, patched, this.graphCounters);
          if (!patched.shape) memo.checks = undefined;
        }
        tree = memo.tree;
        remapAll(memo.treeDiags, pp.map);
        sortLikeMerge(memo.treeDiags);
        tree.diagnostics = memo.treeDiags.map((x) => x.diag);
      } else {
        this.memos.delete(owner);
        // the memo this merge replaces, for a keystroke that gives its text back
        if (memo) keepForUndo(this.undoMemos, owner, plan.base, memo);
        const positioned: PositionedDiagnostic[] | undefined = this.options.incremental ? [] : undefined;
        tree = yield* buildTreeSteps(ast, { map: pp.map, fs, root: plan.base, isCancelled: stop, positioned }, sliceMs);
        memo = positioned && !stop()
          ? { ast, text: pp.text, tree, treeDiags: positioned, patchable: positioned.length === tree.diagnostics.length && !hasIncbin(tree) }
          : undefined;
        if (memo) this.memos.set(owner, memo);
        yield 'merge';
      }
      ast.edit = undefined; // (it holds the last parse's item)
    }
    const syntaxDiagnostics: Diagnostic[] = ast.errors.map((e) => syntaxDiagnostic(e, pp, zephyr));
    const stackDiagnostics = stackNotes(plan, root, tree);
    let flavour = detected.flavour;
    let flavourReason = detected.why;
    // a white-space keystroke's patch leaves the tree's own spans to move later (settleTree): whatever reads them
    // before the analysis returns makes the moves first
    const settleTreeNow = (): void => { if (memo) settleTree(memo); };
    if (flavour === 'dtc') {
      // (names only)
      const byContent = flavourFromTree(tree);
      if (byContent) { flavour = byContent; flavourReason = `the tree has ${flavourName(byContent)} properties`; }
    }
    const { graph, kept: graphKept, reshaped, delta } = graphStage(memo, patched, tree, this.model, settleTreeNow, this.graphCounters);
    // a patched tree is the last analysis' tree, moved: no pause until this analysis replaces that one
    if (!patched && sliceMs !== Infinity) yield 'graph';
    const kernel = kernelEnvironmentOf(this.kernelFilesFor(fs, root), tree, this.options.kernel);
    let probe: ProbeReport | undefined;
    // what the probe simulation read counts as read by every check that uses it (it is shared by them)
    const probeReads = new Reads();
    const probeReport = (): ProbeReport => {
      settleTreeNow();
      probe ??= trackReads(probeReads, () => simulateProbe({ tree, graph, model: this.model, env: kernel }));
      noteReads(probeReads);
      return probe;
    };
    // checks of a partial tree would report what is only missing because the analysis stopped
    let checkDiagnostics: Diagnostic[];
    const kernelKey = memo ? kernelEnvironmentKey(kernel) : '';
    const input = { tree, graph, model: this.model, map: pp.map, flavour, kernel, probe: probeReport };
    // each check read the tree's shape, the graph and the values it recorded: its findings stay when none of
    // that changed, and only the checks that read a changed value run again; when the graph was built again
    // (a provider's #...-cells changed), every check that reads the graph runs again, a graph-free one only
    // where it read the value
    const reusable = memo && patched && memo.checks && memo.checks.flavour === flavour && memo.checks.kernel === kernelKey ? memo.checks : undefined;
    const kept = reusable && (graphKept || patched!.valueChanged) ? reusable : undefined;
    if (stop()) {
      checkDiagnostics = [];
      if (memo) memo.checks = undefined;
    } else if (kept) {
      // what changed: the value of a property, or (shape) properties renamed, added or removed
      const changed = patched!.valueChanged ? readTest(patched!.prop, patched!.shape) : undefined;
      // the checks that read it run again; of a check made of units, only the units that read it
      const only = new Set<number>();
      const partly = new Map<number, CheckRun>();
      // (a graph patched for a cell count or an edge shape: a check whose units come from the graph lists them again)
      const relisted = new Map<number, CheckRun>();
      if (changed) {
        kept.each.forEach((c, i) => {
          // (a check that read no graph in its last run, an IOMMU check on a tree whose IOMMUs all defer probe, is
          // graph-free this time: what would make it read one is a value it read)
          // (of a graph patched, a check says which edges matter to it: graphDeltaMatters)
          if (!graphKept && !c.graphFree && c.reads.graph && (!reshaped || graphDeltaMatters(input, i, c, delta))) {
            if (reshaped && c.relistable) relisted.set(i, c); else only.add(i);
            return;
          }
          if (!changed(c.reads)) return;
          if (c.units && !changed(c.listReads!)) partly.set(i, c); else only.add(i);
        });
      }
      if (changed && only.size + partly.size + relisted.size === 0) this.modelSkips++;
      if (only.size + partly.size + relisted.size > 0) settleTreeNow();
      this.checksRerun += only.size + partly.size + relisted.size;
      const runs = only.size > 0 ? drain(runChecksEach(input, Infinity, only)) : [];
      for (const [i, c] of partly) { const r = rerunUnits(input, i, c, changed!); this.unitsRerun += r.units!.filter((u, k) => u !== c.units![k]).length; runs[i] = r; }
      for (const [i, c] of relisted) {
        const r = relistUnits(input, i, c, changed!);
        const reused = new Set(c.units!.map((u) => u.reads));
        this.unitsRerun += r.units!.filter((u) => !reused.has(u.reads)).length;
        runs[i] = r;
      }
      for (const i of [...only, ...partly.keys(), ...relisted.keys()]) {
        const r = runs[i]!;
        kept.each[i] = r;
        if (!r.movable) memo!.checks = undefined; // (its findings are used once, then all checks run again)
      }
      // the checks run now give their findings as made, the others' are moved with the tree
      checkDiagnostics = kept.each.flatMap((c, i) => (only.has(i) || partly.has(i) || relisted.has(i) ? runs[i]!.out : remapAll(c.positioned, pp.map)));
    } else if (memo) {
      settleTreeNow();
      const runs = yield* runChecksEach(input, patched ? Infinity : sliceMs);
      checkDiagnostics = runs.flatMap((r) => r!.out);
      memo.checks = runs.every((r) => r!.movable) ? { each: runs.map((r) => r!), flavour, kernel: kernelKey } : undefined;
    } else checkDiagnostics = yield* runChecksSteps(input, sliceMs);
    const bindingsInfo: TreeInfo = { flavour, root: detected.root, systemIncludePaths: plan.systemIncludePaths, bindingsDirs: plan.bindingsDirs };
    // (the language server's in-process host validates Zephyr trees only: a Linux tree's spans stay unsettled)
    if (this.options.bindings && !stop() && this.options.bindings.validatesInProcess(flavour)) {
      settleTreeNow();
      try {
        checkDiagnostics.push(...this.options.bindings.validate(root, tree, pp.map, bindingsInfo));
      } catch (e) {
        checkDiagnostics.push({ file: root, start: 0, end: 0, severity: 'error', code: 'internal-error', message: `internal error in the bindings: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    if (overBudget) {
      // the stages say where they stopped; say why
      const note = ` (the analysis exceeded its time budget of ${timeLimitMs / 1000} s)`;
      let noted = false;
      for (const list of [pp.diagnostics, syntaxDiagnostics, tree.diagnostics]) {
        for (let k = 0; k < list.length; k++) {
          const d = list[k];
          if (d.code === 'resource-limit' && /cancelled/.test(d.message)) { list[k] = { ...d, message: d.message + note }; noted = true; }
        }
      }
      if (!noted) {
        // the budget ran out in a stage that cannot stop part-way (e.g. one huge statement): the checks were skipped
        syntaxDiagnostics.push({ file: root, start: 0, end: 0, severity: 'error', code: 'resource-limit', message: `checks skipped${note}` });
      }
    }

    const treeDiagnostics = plan.noBase ? tree.diagnostics.filter((d) => d.code !== 'unresolved-reference') : tree.diagnostics;
    const all = [...this.modelDiagnostics, ...kernel.diagnostics, ...stackDiagnostics, ...pp.diagnostics, ...syntaxDiagnostics, ...treeDiagnostics, ...checkDiagnostics];
    const diagnostics: Diagnostic[] = [];
    for (const d of all) {
      const a = applySeverity(d, this.options.severities);
      if (a) diagnostics.push(a);
    }
    const finalMemo = memo;
    const settle = (): void => {
      settleMoves(ast, true);
      if (finalMemo) settleTree(finalMemo);
      // (a keystroke's texts, read through their views until now: flat for the requests and the next keystroke; the
      // parse's view goes, which holds the last text)
      if (ast.edit) ast.edit.reader = undefined;
      pp.edited = undefined;
      flattenNow(pp.text);
      for (const f of pp.files) {
        const r = fs.readFile(f);
        if (r.ok) flattenNow(r.text);
      }
    };
    const indexes = new Map<string, LineIndex>();
    const lineIndexOf = (file: string, t: string): LineIndex => this.lineIndexOf(file, t, pp.edited);
    // read once per analysis: features and position conversion ask for the same files again and again
    const fileText = (file: string): string | undefined => {
      const r = fs.readFile(file);
      return r.ok ? r.text : undefined;
    };
    return {
      root,
      flavour,
      flavourReason,
      flavourRoot: detected.root,
      bindingsInfo,
      stack: { mode: plan.mode, base: plan.base, overlays: plan.overlays, baseNote: plan.baseNote, noBase: plan.noBase },
      pp,
      // (what follows a keystroke's edit is moved before anyone reads it: see settle)
      get ast() { settle(); return ast; },
      // (and the tree's own spans: see unsettledTree)
      get tree() { settle(); return tree; },
      get graph() { settle(); return graph; },
      unsettledTree: tree,
      spanNow: (x: { start: number; end: number }, node: TreeNode) => (finalMemo ? spanNow(finalMemo, x, node) : { start: x.start, end: x.end }),
      model: this.model,
      includePaths: [...plan.includePaths, ...plan.systemIncludePaths],
      diagnostics,
      fileText,
      fs,
      kernel,
      probe: probeReport,
      readVersions: fs.versions,
      settle,
      lineIndex(file: string) {
        let idx = indexes.get(file);
        if (!idx) {
          const t = fileText(file);
          if (t === undefined) return undefined;
          idx = lineIndexOf(file, t);
          indexes.set(file, idx);
        }
        return idx;
      },
    };
  }
}
