// The server's board contexts: which context (root file) each open document is analysed in, the
// contexts themselves (their last analysis and what it read), and the dts/contexts and
// dts/selectContext requests.
import type { Analysis } from '../analysis';
import type { Diagnostic } from '../base/diagnostics';
import type { LineIndex } from '../base/text';
import type { MappedLineIndex } from './position-map';
import type { ContextChoice } from '../workspace/contexts';
import { detectFlavour, type Flavour } from '../workspace/flavour';
import { isOverlayFile } from '../workspace/stack';
import { pathToUri, uriToPath } from './convert';
import type { DtsServer } from './server';

export interface ContextInfo {
  /** the file asked about */
  uri: string;
  /** root of its context */
  root: string;
  rootUri: string;
  reason: ContextChoice['reason'];
  /** boards that include the file */
  candidates: { path: string; uri: string }[];
  /** the context's flavour (workspace/flavour.ts): 'linux' | 'zephyr' | 'uboot' | 'dtc' */
  flavour: Flavour;
  /** an overlay's stack: the base it is analysed on, how that was found, the other overlays with it */
  stack?: { base: string; baseUri: string; overlays: string[]; note?: string; noBase?: boolean };
}

export interface Context {
  root: string;
  /** an overlay context's base picked by the user or the settings (analysed with it) */
  base?: string;
  analysis?: Analysis;
  /** files read by the last analysis (root first) */
  files: Set<string>;
  dirty: boolean;
  /** versions of open documents as the last analysis read them */
  versions: Map<string, number>;
  diagnosticsByFile: Map<string, Diagnostic[]>;
  /** text of every file the last analysis read, frozen for position conversions */
  lineIndexes: Map<string, LineIndex>;
  /** per open document edited since the last analysis: its current text mapped to the analysis' (requests) */
  mappedIndexes: Map<string, MappedLineIndex>;
  durationMs: number;
  analyses: number;
}

export class ServerContexts {
  /** the contexts, by root */
  readonly byRoot = new Map<string, Context>();
  /** context choice of each open document (by path) */
  readonly docContext = new Map<string, ContextChoice>();
  /** the user's explicit choices (dts/selectContext), by file */
  private readonly explicitContext = new Map<string, string>();

  constructor(private readonly s: DtsServer) {}

  /** Choose (again) the context of an open file; returns true when it changed. */
  assignContext(file: string): boolean {
    const openFiles = new Set(this.docContext.keys());
    openFiles.add(file);
    let choice = this.s.index.chooseContext(file, {
      openFiles,
      explicit: this.explicitContext.get(file),
      configured: this.s.currentSettings.contexts[file],
    });
    if (choice.reason === 'lone') {
      // a file the index does not connect to a board (e.g. a header) but that an analysed open board reads
      for (const ctx of this.byRoot.values()) {
        if (ctx.root !== file && ctx.files.has(file) && openFiles.has(ctx.root)) {
          choice = { root: ctx.root, reason: 'open-board', candidates: [...new Set([...choice.candidates, ctx.root])].sort() };
          break;
        }
      }
    }
    const old = this.docContext.get(file);
    this.docContext.set(file, choice);
    const existing = this.byRoot.get(choice.root);
    // (a file of an existing context is listed at once: its edits mark the context dirty before its next analysis ends)
    if (existing) {
      existing.files.add(file);
      if (existing.base !== choice.base) { existing.base = choice.base; existing.dirty = true; }
    } else {
      this.byRoot.set(choice.root, {
        root: choice.root,
        base: choice.base,
        files: new Set([choice.root, file]),
        dirty: true,
        versions: new Map(),
        diagnosticsByFile: new Map(),
        lineIndexes: new Map(),
        mappedIndexes: new Map(),
        durationMs: 0,
        analyses: 0,
      });
    }
    const changed = !old || old.root !== choice.root || old.reason !== choice.reason || old.base !== choice.base || old.candidates.join() !== choice.candidates.join();
    if (changed) {
      const info = this.contextInfoFor(file, choice);
      void this.s.connection.sendNotification('dts/contextChanged', info).catch(() => undefined);
      if (old && old.root !== choice.root) this.dropUnusedContexts();
    }
    return changed;
  }

  /**
   * Open files analysed alone ('lone': the index connects them to no board, e.g. outside the workspace
   * folders) that the context just analysed reads: choose again, which gives them that board. Opening a
   * board after its .dtsi then gives the same context as opening it before.
   */
  adoptLoneFiles(ctx: Context): boolean {
    let changed = false;
    for (const [file, choice] of this.docContext) {
      if (choice.reason !== 'lone' || file === ctx.root || !ctx.files.has(file)) continue;
      if (this.assignContext(file)) changed = true;
    }
    return changed;
  }

  /** Choose again the context of the open include files when `board` was opened or closed. */
  reassignOthers(board: string): boolean {
    let changed = false;
    for (const [file, choice] of this.docContext) {
      if (file === board || (choice.reason !== 'nearest-board' && choice.reason !== 'open-board')) continue;
      if (this.assignContext(file)) changed = true;
    }
    return changed;
  }

  /** Choose again the context of every open document. */
  reassignAll(): boolean {
    let changed = false;
    for (const file of this.docContext.keys()) if (this.assignContext(file)) changed = true;
    return changed;
  }

  private contextInfoFor(file: string, choice: ContextChoice): ContextInfo {
    return {
      uri: pathToUri(file),
      root: choice.root,
      rootUri: pathToUri(choice.root),
      reason: choice.reason,
      candidates: choice.candidates.map((p) => ({ path: p, uri: pathToUri(p) })),
      flavour: detectFlavour(choice.root, this.s.fs, { zephyrBase: process.env.ZEPHYR_BASE }).flavour,
      stack: isOverlayFile(file) ? this.stackInfo(file, choice.base) : undefined,
    };
  }

  /** Where an overlay is analysed (the same plan the analysis uses), for the status bar. */
  private stackInfo(file: string, base: string | undefined): ContextInfo['stack'] {
    try {
      const plan = this.s.host.planFor(file, { base });
      return { base: plan.base, baseUri: pathToUri(plan.base), overlays: plan.overlays, note: plan.baseNote, noBase: plan.noBase };
    } catch {
      return undefined;
    }
  }

  async contextInfo(uri: string): Promise<ContextInfo | null> {
    const file = uriToPath(uri);
    if (file === undefined) return null;
    if (!this.s.index.ready) await this.s.indexing;
    const choice = this.docContext.get(file) ?? this.s.index.chooseContext(file, { openFiles: this.docContext.keys() });
    return this.contextInfoFor(file, choice);
  }

  async selectContext(uri: string, context: string | null): Promise<ContextInfo | null> {
    const file = uriToPath(uri);
    if (file === undefined) return null;
    if (context === null || context === '') this.explicitContext.delete(file);
    else {
      const board = context.startsWith('file:') ? uriToPath(context) : context;
      if (!board || this.s.fs.stat(board) !== 'file') throw new Error(`no such board: ${context}`);
      this.explicitContext.set(file, board);
    }
    if (!this.docContext.has(file)) return this.contextInfo(uri);
    this.assignContext(file);
    this.s.scheduler.schedule(0);
    return this.contextInfoFor(file, this.docContext.get(file)!);
  }

  activeRoots(): Set<string> {
    const roots = new Set<string>();
    for (const c of this.docContext.values()) roots.add(c.root);
    return roots;
  }

  dropUnusedContexts(): void {
    const active = this.activeRoots();
    for (const root of [...this.byRoot.keys()]) {
      if (!active.has(root)) { this.byRoot.delete(root); this.s.host.forget(root); this.s.bindings.forget(root); }
    }
  }

  /**
   * Mark every context that reads `file` (or is rooted at it) for re-analysis. A document opened through a symbolic
   * link is read by its real path while it is not open: the contexts that read it by that path too.
   */
  markDirty(file: string): void {
    const real = this.s.fs.linkedReal(file);
    for (const ctx of this.byRoot.values()) {
      if (ctx.root === file || ctx.files.has(file) || (real !== undefined && ctx.files.has(real))) ctx.dirty = true;
    }
  }

  markAllDirty(): void {
    for (const ctx of this.byRoot.values()) ctx.dirty = true;
  }

  /**
   * True when the context needs an analysis: marked dirty, never analysed, or a file its analysis read
   * changed since (an open document's version differs from the one read, a file read from disk is open now,
   * an open document it read is closed).
   */
  isStale(ctx: Context): boolean {
    if (ctx.dirty || !ctx.analysis) return true;
    const read = ctx.analysis.readVersions;
    if (!read) return false;
    const fs = this.s.fs;
    // (asked several times after every keystroke: forEach makes no [file, version] pair per file)
    let stale = false;
    read.forEach((v, f) => { if (!stale && (fs.versionOf(f) ?? null) !== v) stale = true; });
    return stale;
  }

  /**
   * For a request about `file` whose own context has no finished analysis yet: another active context
   * whose last analysis read the file (a .dtsi's board opened before it), to answer from meanwhile.
   */
  standIn(file: string, ctx: Context): Context | undefined {
    for (const c of this.byRoot.values()) if (c !== ctx && c.analysis && c.files.has(file) && c.analysis.pp.files.includes(file)) return c;
    return undefined;
  }

  /**
   * Which context's diagnostics a file shows: its own choice when open, else the first active context reading it.
   * `active`: activeRoots(), when the caller asks about many files at once.
   */
  ownerOf(file: string, active: Set<string> = this.activeRoots()): Context | undefined {
    const choice = this.docContext.get(file);
    if (choice) return this.byRoot.get(choice.root);
    for (const root of active) {
      const ctx = this.byRoot.get(root);
      if (ctx && ctx.files.has(file)) return ctx;
    }
    return undefined;
  }
}
