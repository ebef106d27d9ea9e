// The facade of the analysis core: AnalysisHost.analyze(root) runs
// preprocess -> parse -> merge -> model -> checks and returns plain data.
// The CLI and the language server only translate its results.
import { applySeverity, type Diagnostic, type SeverityOverrides } from './base/diagnostics';
import type { FileSystem } from './base/fs';
import { SnapshotFileSystem } from './base/snapshot-fs';
import { LineIndex } from './base/text';
import { runChecks } from './checks';
import { buildSupplierGraph } from './model/graph';
import { loadIommuModel, type IommuModel } from './model/iommu';
import type { SupplierGraph } from './model/types';
import { createPreprocessCache, preprocess } from './preprocess';
import type { PreprocessResult } from './preprocess/types';
import type { DtsFile } from './syntax/ast';
import { ParseCache, parseDts } from './syntax/parse';
import { buildTree } from './tree/merge';
import type { LiveTree } from './tree/types';
import { detectFlavour, flavourFromTree, flavourName, type Flavour } from './workspace/flavour';
import { detectIncludePaths } from './workspace/include-paths';

export interface AnalysisOptions {
  /** extra include directories (-I), searched after the including file's directory */
  includePaths?: string[];
  /** --define NAME[=VAL] */
  defines?: Record<string, string>;
  /** detect Linux / Zephyr include paths from the root file's location (default true) */
  autoDetectIncludePaths?: boolean;
  severities?: SeverityOverrides;
  /** parsed JSON of a user's IOMMU model override file */
  modelOverride?: unknown;
  /** force the flavour (default: detected from the root file's location, extension and content) */
  flavour?: Flavour;
  /** ZEPHYR_BASE (environment or setting): Zephyr for files outside any west workspace */
  zephyrBase?: string;
}

export interface Analysis {
  /** absolute path of the root file of this context (a board .dts, or a lone file) */
  root: string;
  /** whose Devicetree this is: decides include roots, overlay stacking, dialect and check wording */
  flavour: Flavour;
  /** why that flavour, for the user */
  flavourReason: string;
  pp: PreprocessResult;
  ast: DtsFile;
  tree: LiveTree;
  graph: SupplierGraph;
  model: IommuModel;
  /** include paths used (configured + detected) */
  includePaths: string[];
  /** all diagnostics of this context, severity settings applied, positions in the user's files */
  diagnostics: Diagnostic[];
  /** text of a file as the analysis saw it (editor buffer or disk) */
  fileText(file: string): string | undefined;
  /** the file system the analysis read through (editor features list include directories with it) */
  fs?: FileSystem;
  /**
   * Per file the analysis read: the version of the open document it read (see OverlayFileSystem), or null
   * when it read the disk. Recorded at the moment of the read.
   */
  readVersions?: ReadonlyMap<string, number | null>;
  lineIndex(file: string): LineIndex | undefined;
}

/**
 * Time budget of one analysis. Past it every stage stops at its next check: the result is partial and a
 * 'resource-limit' diagnostic says where the analysis stopped.
 */
export const ANALYSIS_TIME_LIMIT_MS = 10_000;

export class AnalysisHost {
  private readonly ppCache = createPreprocessCache();
  private readonly parseCache = new ParseCache();
  private model: IommuModel;
  private modelDiagnostics: Diagnostic[] = [];

  constructor(readonly fs: FileSystem, private options: AnalysisOptions = {}) {
    const m = loadIommuModel(options.modelOverride);
    this.model = m.model;
    this.modelDiagnostics = m.diagnostics;
  }

  setOptions(options: AnalysisOptions): void {
    this.options = options;
    const m = loadIommuModel(options.modelOverride);
    this.model = m.model;
    this.modelDiagnostics = m.diagnostics;
  }

  get parseStats(): { parsed: number; reused: number } {
    return this.parseCache.stats;
  }

  /** Keystrokes the preprocessor replayed on its last run, and parses made by editing the last one. */
  get incrementalStats(): { preprocessReplays: number; parseEdits: number } {
    return { preprocessReplays: this.ppCache.incremental, parseEdits: this.parseCache.edits };
  }

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
  analyze(root: string, isCancelled?: () => boolean, timeLimitMs: number = ANALYSIS_TIME_LIMIT_MS): Analysis {
    const steps = this.analyzeSteps(root, isCancelled, timeLimitMs);
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
    }
  }

  /**
   * The same analysis, one stage per step (it yields the name of the stage it just finished), so that a
   * caller (the language server) can let other events in between stages and abandon a superseded run.
   */
  *analyzeSteps(root: string, isCancelled?: () => boolean, timeLimitMs: number = ANALYSIS_TIME_LIMIT_MS): Generator<string, Analysis, void> {
    // one text per file for the whole analysis, document versions recorded as they are read
    const fs = new SnapshotFileSystem(this.fs);
    const deadline = Date.now() + timeLimitMs;
    let overBudget = false;
    const stop = (): boolean => {
      if (isCancelled && isCancelled()) return true;
      if (!overBudget && Date.now() > deadline) overBudget = true;
      return overBudget;
    };
    const detected = detectFlavour(root, fs, { forced: this.options.flavour, zephyrBase: this.options.zephyrBase });
    const includePaths = this.includePathsFor(root);
    const pp = preprocess(root, {
      fs,
      includePaths,
      defines: { __DTS__: '1', ...(this.options.defines ?? {}) },
      cache: this.ppCache,
      isCancelled: stop,
    });
    yield 'preprocess';
    // a .dtsi (or header) analysed on its own is a fragment: no /dts-v1/ or root node required
    const complete = !/\.(dtsi|h)$/i.test(root);
    const ast = parseDts(pp.text, this.parseCache, { complete, owner: root, isCancelled: stop });
    yield 'parse';
    const syntaxDiagnostics: Diagnostic[] = ast.errors.map((e) => ({
      ...pp.map.toFileRange(e.start, e.end),
      severity: 'error',
      code: e.code ?? 'syntax-error',
      message: e.message,
    }));
    const tree = buildTree(ast, { map: pp.map, fs, root, isCancelled: stop });
    yield 'merge';
    let flavour = detected.flavour;
    let flavourReason = detected.why;
    if (flavour === 'dtc') {
      const byContent = flavourFromTree(tree);
      if (byContent) { flavour = byContent; flavourReason = `the tree has ${flavourName(byContent)} properties`; }
    }
    const graph = buildSupplierGraph(tree, this.model);
    // checks of a partial tree would report what is only missing because the analysis stopped
    const checkDiagnostics = stop() ? [] : runChecks({ tree, graph, model: this.model, map: pp.map });
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

    const all = [...this.modelDiagnostics, ...pp.diagnostics, ...syntaxDiagnostics, ...tree.diagnostics, ...checkDiagnostics];
    const diagnostics: Diagnostic[] = [];
    for (const d of all) {
      const a = applySeverity(d, this.options.severities);
      if (a) diagnostics.push(a);
    }
    const indexes = new Map<string, LineIndex>();
    // read once per analysis: features and position conversion ask for the same files again and again
    const fileText = (file: string): string | undefined => {
      const r = fs.readFile(file);
      return r.ok ? r.text : undefined;
    };
    return {
      root,
      flavour,
      flavourReason,
      pp,
      ast,
      tree,
      graph,
      model: this.model,
      includePaths,
      diagnostics,
      fileText,
      fs,
      readVersions: fs.versions,
      lineIndex(file: string) {
        let idx = indexes.get(file);
        if (!idx) {
          const t = fileText(file);
          if (t === undefined) return undefined;
          idx = new LineIndex(t);
          indexes.set(file, idx);
        }
        return idx;
      },
    };
  }
}
