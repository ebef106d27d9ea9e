// The language server: JSON-RPC <-> the analysis facade. Documents, contexts,
// scheduling of analyses, diagnostics publishing and settings live here; the
// translation of editor features is in handlers.ts.
import { setImmediate as pauseImmediate, setTimeout as pauseTimeout } from 'node:timers/promises';
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type DidChangeWatchedFilesParams,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisHost, type Analysis, type AnalysisOptions } from '../analysis';
import type { Diagnostic } from '../base/diagnostics';
import { OverlayFileSystem, type FileSystem } from '../base/fs';
import { NodeFileSystem } from '../base/node-fs';
import { LineIndex } from '../base/text';
import { fileRole, WorkspaceIndex, type ContextChoice } from '../workspace/contexts';
import { detectFlavour, type Flavour } from '../workspace/flavour';
import { detectIncludePaths } from '../workspace/include-paths';
import { pathToUri, rememberUri, toLspDiagnostic, uriToPath } from './convert';
import { normalizeSettings, type DtsSettings, DEFAULT_SETTINGS } from './settings';
import { registerFeatureHandlers, serverCapabilities } from './handlers';
import { IdleCollector, idleOptionsFromEnv, YoungCollector, youngOptionsFromEnv } from './idle-gc';

/** The workspace index starts this long after initialization, once the documents opened with it are analysed. */
const INDEX_START_DELAY_MS = 30;
/** Edited documents' include lines are rescanned this long after the first edit of a burst. */
const INDEX_UPDATE_DELAY_MS = 250;


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
}

interface Context {
  root: string;
  analysis?: Analysis;
  /** files read by the last analysis (root first) */
  files: Set<string>;
  dirty: boolean;
  /** versions of open documents as the last analysis saw them */
  versions: Map<string, number>;
  diagnosticsByFile: Map<string, Diagnostic[]>;
  /** text of every file the last analysis read, frozen for position conversions */
  lineIndexes: Map<string, LineIndex>;
  durationMs: number;
  analyses: number;
}

export class DtsServer {
  readonly documents = new TextDocuments(TextDocument);
  readonly fs: OverlayFileSystem;
  readonly host: AnalysisHost;
  readonly index: WorkspaceIndex;
  private settings: DtsSettings = { ...DEFAULT_SETTINGS };
  private rawSettings: unknown;
  private capabilities: ClientCapabilities = {};
  private workspaceRoots: string[] = [];
  private readonly contexts = new Map<string, Context>();
  /** context choice of each open document (by path) */
  private readonly docContext = new Map<string, ContextChoice>();
  /** the user's explicit choices (dts/selectContext), by file */
  private readonly explicitContext = new Map<string, string>();
  /** last published diagnostics per file (JSON, to send only changes) */
  private readonly published = new Map<string, string>();
  /** per file: the diagnostics list last converted for publishing and its JSON (re-publishing an unchanged list is free) */
  private readonly publishMemo = new Map<string, { diags: Diagnostic[]; key: string; lsp: unknown[] }>();
  /** the scheduled analysis run: a timer, or an immediate for "now" (setTimeout(0) waits at least 1 ms) */
  private timer: { cancel(): void } | undefined;
  /** time of the last didChange (ms since the epoch), for the adaptive debounce */
  private lastChangeAt = 0;
  /** edited documents whose include lines the workspace index has not seen yet */
  private readonly indexPending = new Set<string>();
  private indexUpdateTimer: NodeJS.Timeout | undefined;
  private running = false;
  private rerun = false;
  private indexing: Promise<void> = Promise.resolve();
  /** resolved once the settings are known (after `initialized`); documents opened before wait for it */
  private settingsReady: Promise<void>;
  private resolveSettingsReady: () => void = () => undefined;
  private indexStarted = false;
  /** the workspace index is being built */
  private indexBusy = false;
  /** gives memory back when nothing has happened for a while (see idle-gc.ts) */
  private readonly idle: IdleCollector;
  /** scavenges the young generation between keystrokes (see idle-gc.ts) */
  private readonly young = new YoungCollector(youngOptionsFromEnv());
  private shuttingDown = false;
  private relatedSupported = true;
  private modelOverrideProblem: string | undefined;
  /** measurements (for logs and tests) */
  readonly stats = { analyses: 0, lastAnalysisMs: 0, firstDiagnosticsMs: -1, cancelledAnalyses: 0 };
  private readonly startedAt = Date.now();

  /** the disk, restricted to the workspace, the detected source trees and the include paths (see updateFileRoots) */
  private readonly nodeFs: NodeFileSystem | undefined;

  constructor(readonly connection: Connection, baseFs: FileSystem = new NodeFileSystem([])) {
    this.nodeFs = baseFs instanceof NodeFileSystem ? baseFs : undefined;
    this.fs = new OverlayFileSystem(baseFs);
    this.host = new AnalysisHost(this.fs, { zephyrBase: process.env.ZEPHYR_BASE });
    this.index = new WorkspaceIndex(this.fs, { includePaths: () => this.settings.includePaths });
    this.settingsReady = new Promise<void>((resolve) => { this.resolveSettingsReady = resolve; });
    this.idle = new IdleCollector(
      () => this.analysisPending() || this.indexBusy || this.indexUpdateTimer !== undefined,
      idleOptionsFromEnv((m) => this.log(m)),
    );
  }

  log(message: string): void {
    try {
      this.connection.console.log(message);
    } catch {
      // the connection is gone
    }
  }

  logError(where: string, e: unknown): void {
    const msg = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    try {
      this.connection.console.error(`[${where}] ${msg}`);
    } catch {
      // the connection is gone
    }
  }

  /** Run a handler; an exception becomes a logged error and the fallback result. */
  guard<P, R>(name: string, fallback: R, fn: (p: P) => R | Promise<R>): (p: P) => Promise<R> {
    return async (p: P) => {
      this.idle.touch();
      try {
        return await fn(p);
      } catch (e) {
        if (e instanceof ResponseError) throw e; // a deliberate answer (e.g. "cannot rename this")
        this.logError(name, e);
        return fallback;
      }
    };
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((p) => this.onInitialize(p));
    c.onInitialized(this.guard('initialized', undefined, () => this.onInitialized()));
    c.onShutdown(() => {
      this.shuttingDown = true;
      this.idle.stop();
      if (this.timer) this.timer.cancel();
      if (this.indexUpdateTimer) clearTimeout(this.indexUpdateTimer);
    });
    c.onDidChangeConfiguration(this.guard('didChangeConfiguration', undefined, (p) => this.onDidChangeConfiguration(p.settings)));
    c.onDidChangeWatchedFiles(this.guard('didChangeWatchedFiles', undefined, (p) => this.onDidChangeWatchedFiles(p)));

    const docs = this.documents;
    docs.onDidOpen(this.guard('didOpen', undefined, (e) => this.onOpen(e.document)));
    docs.onDidChangeContent(this.guard('didChange', undefined, (e) => this.onChange(e.document)));
    docs.onDidClose(this.guard('didClose', undefined, (e) => this.onClose(e.document)));

    c.onRequest('dts/contexts', this.guard('dts/contexts', null, (p: { textDocument: { uri: string } }) => this.contextInfo(p.textDocument.uri)));
    c.onRequest(
      'dts/selectContext',
      this.guard('dts/selectContext', null, (p: { textDocument: { uri: string }; context?: string | null }) =>
        this.selectContext(p.textDocument.uri, p.context ?? null),
      ),
    );
    c.onRequest('dts/stats', this.guard('dts/stats', null, () => ({ ...this.stats, contexts: [...this.contexts.values()].map((x) => ({ root: x.root, files: x.files.size, durationMs: x.durationMs, analyses: x.analyses })), indexedFiles: this.index.fileCount, memory: process.memoryUsage(), ...this.idle.stats, ...this.young.stats, ...this.host.incrementalStats })));
    registerFeatureHandlers(this);
    docs.listen(c);
    c.listen();
  }

  private onInitialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities ?? {};
    this.relatedSupported = this.capabilities.textDocument?.publishDiagnostics?.relatedInformation !== false;
    const roots: string[] = [];
    for (const f of params.workspaceFolders ?? []) {
      const p = uriToPath(f.uri);
      if (p) roots.push(p);
    }
    if (roots.length === 0 && params.rootUri) {
      const p = uriToPath(params.rootUri);
      if (p) roots.push(p);
    }
    if (roots.length === 0 && params.rootPath) roots.push(params.rootPath);
    this.workspaceRoots = roots;
    this.updateFileRoots();
    const init = params.initializationOptions as Record<string, unknown> | undefined;
    if (init && typeof init === 'object') {
      this.applySettings((init.devicetree ?? init.settings ?? init) as unknown);
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        ...serverCapabilities(),
        workspace: { workspaceFolders: { supported: true, changeNotifications: false } },
      },
      serverInfo: { name: 'dts-lsp', version: '0.1.0' },
    };
  }

  private async onInitialized(): Promise<void> {
    const caps = this.capabilities;
    // the registrations and the settings request go out together: documents opened with initialization
    // wait only for the settings (one round trip), not for three in a row
    const registrations: Promise<unknown>[] = [];
    if (caps.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      registrations.push(this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{dts,dtsi,dtso,overlay,h}' }],
      }));
    }
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      registrations.push(this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'devicetree' }));
    }
    for (const r of registrations) r.catch((e) => this.logError('register', e));
    try {
      await this.fetchSettings();
    } finally {
      this.startIndexing();
      this.resolveSettingsReady();
    }
  }

  private async fetchSettings(): Promise<void> {
    if (!this.capabilities.workspace?.configuration) return;
    try {
      const s = await this.connection.workspace.getConfiguration('devicetree');
      if (s !== null && s !== undefined) this.applySettings(s);
    } catch (e) {
      this.logError('workspace/configuration', e);
    }
  }

  private applySettings(raw: unknown): void {
    this.rawSettings = raw;
    const { settings, problems } = normalizeSettings(raw, this.workspaceRoots[0]);
    this.settings = settings;
    for (const p of problems) {
      this.log(`settings: ${p}`);
      this.showMessage(MessageType.Warning, `Devicetree: ${p}`);
    }
    const options: AnalysisOptions = {
      includePaths: settings.includePaths,
      defines: settings.defines,
      severities: settings.severities,
      modelOverride: this.readModelOverride(settings.modelOverride),
      zephyrBase: process.env.ZEPHYR_BASE,
    };
    this.host.setOptions(options);
    this.index.clearIncludePathCache();
    this.updateFileRoots();
  }

  /**
   * The server reads the disk only inside the workspace folders, the configured include paths (and model
   * override file), the folders of open documents and the source trees (Linux, Zephyr) detected around them.
   * Anything else (`#include "/etc/passwd"`) is refused with an include-error diagnostic.
   */
  private updateFileRoots(): void {
    if (!this.nodeFs) return;
    const roots = [...this.workspaceRoots, ...this.settings.includePaths];
    if (this.settings.modelOverride) roots.push(this.settings.modelOverride);
    for (const file of new Set([...this.docContext.keys(), ...this.extraRootFiles])) {
      roots.push(file.slice(0, file.lastIndexOf('/')) || '/');
      const tree = detectIncludePaths(file, this.fs);
      if (tree.root) roots.push(tree.root);
      for (const p of tree.includePaths) roots.push(p);
    }
    this.nodeFs.setRoots(roots.map((r) => (r.length > 1 && r.endsWith('/') ? r.slice(0, -1) : r)));
  }
  /** files opened before their context was chosen (their folder must be readable at once) */
  private readonly extraRootFiles = new Set<string>();

  /** Read and parse the model override file; a problem becomes a message and a diagnostic on that file. */
  private readModelOverride(file: string | undefined): unknown {
    this.modelOverrideProblem = undefined;
    if (!file) return undefined;
    const r = this.fs.readFile(file);
    if (!r.ok) {
      this.reportModelOverride(file, `Devicetree: cannot read the IOMMU model override ${file}: ${r.message}`, 0, 0);
      return undefined;
    }
    try {
      return JSON.parse(r.text);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const m = /position (\d+)/.exec(msg);
      const at = m ? Math.min(Number(m[1]), r.text.length) : 0;
      this.reportModelOverride(file, `Devicetree: the IOMMU model override ${file} is not valid JSON: ${msg}`, at, Math.min(at + 1, r.text.length), r.text);
      return undefined;
    }
  }

  private reportModelOverride(file: string, message: string, start: number, end: number, text = ''): void {
    this.modelOverrideProblem = message;
    this.log(message);
    this.showMessage(MessageType.Error, message);
    const idx = new LineIndex(text);
    const d: Diagnostic = { file, start, end, severity: 'error', code: 'model-override-invalid', message };
    void this.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [toLspDiagnostic(d, () => idx)] });
    this.published.set(file, JSON.stringify(['model-override', message]));
  }

  private async onDidChangeConfiguration(settings: unknown): Promise<void> {
    if (this.capabilities.workspace?.configuration) await this.fetchSettings();
    else {
      const s = settings as Record<string, unknown> | undefined;
      this.applySettings(s && typeof s === 'object' && 'devicetree' in s ? s.devicetree : s);
    }
    if (this.modelOverrideProblem === undefined) this.clearModelOverrideDiagnostic();
    for (const file of this.docContext.keys()) this.assignContext(file);
    for (const ctx of this.contexts.values()) ctx.dirty = true;
    this.schedule(0);
  }

  private clearModelOverrideDiagnostic(): void {
    for (const [file, key] of this.published) {
      if (key.startsWith('["model-override"')) {
        this.published.delete(file);
        void this.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [] });
      }
    }
  }

  private startIndexing(): void {
    if (this.indexStarted || this.workspaceRoots.length === 0) return;
    this.indexStarted = true;
    this.indexBusy = true;
    this.indexing = (async () => {
      const t0 = Date.now();
      let reporter: WorkDoneProgressServerReporter | undefined;
      let lastReport = 0;
      if (this.capabilities.window?.workDoneProgress) {
        try {
          reporter = await this.connection.window.createWorkDoneProgress();
          reporter.begin('Devicetree: indexing boards', 0, 'scanning folders', false);
        } catch (e) {
          this.logError('workDoneProgress', e);
          reporter = undefined;
        }
      }
      // open documents come first: a client opens them right after initialization, and their analysis
      // (a cold process) must not share the thread with the folder walk
      const waitForAnalyses = async (): Promise<void> => {
        for (let i = 0; i < 500 && this.analysisPending(); i++) await pauseTimeout(10);
      };
      try {
        await pauseTimeout(INDEX_START_DELAY_MS);
        await waitForAnalyses();
        await this.index.index(
          this.workspaceRoots,
          (p) => {
            if (!reporter || p.phase !== 'scan' || p.total === 0) return;
            const now = Date.now();
            if (now - lastReport < 100 && p.done < p.total) return; // a report every 100 ms is plenty
            lastReport = now;
            reporter.report(Math.round((100 * p.done) / p.total), `${p.done}/${p.total} files`);
          },
          async () => {
            await pauseImmediate();
            // analyses of open documents come first: the index waits while one is pending
            await waitForAnalyses();
          },
        );
      } finally {
        reporter?.done();
        this.indexBusy = false;
        this.idle.touch();
      }
      this.log(`indexed ${this.index.fileCount} Devicetree files in ${Date.now() - t0} ms`);
      // contexts of open include files may now have a board
      let changed = false;
      for (const file of this.docContext.keys()) if (this.assignContext(file)) changed = true;
      if (changed) this.schedule(0);
    })().catch((e) => this.logError('index', e));
  }

  // ---- documents -------------------------------------------------------------------------

  private async onOpen(doc: TextDocument): Promise<void> {
    const file = rememberUri(doc.uri);
    if (file === undefined) return;
    this.fs.setOverlay(file, doc.getText());
    if (!this.extraRootFiles.has(file)) {
      this.extraRootFiles.add(file);
      this.updateFileRoots();
    }
    // settings (include paths, contexts) come after `initialized`; a client that never sends it is not waited for long
    await Promise.race([this.settingsReady, new Promise((r) => setTimeout(r, 2000))]);
    // an include file needs the index to find its board: wait for it (a board does not)
    if (fileRole(file) !== 'board' && fileRole(file) !== 'overlay' && !this.index.ready) await this.indexing;
    if (!this.documents.get(doc.uri)) return; // closed while waiting
    this.fs.setOverlay(file, this.documents.get(doc.uri)!.getText());
    this.index.updateFile(file, this.documents.get(doc.uri)!.getText());
    this.assignContext(file);
    this.markDirty(file);
    this.schedule(0);
  }

  /** Rescan the include lines of documents edited since the last time; re-choose contexts when they changed. */
  private updateIndexOfEditedFiles(): void {
    this.indexUpdateTimer = undefined;
    let changed = false;
    for (const file of this.indexPending) {
      const doc = this.documents.get(pathToUri(file));
      if (!doc) continue; // closed: onClose re-read it from disk
      const before = this.index.includesOf(file).join('\n');
      this.index.updateFile(file, doc.getText());
      if (this.index.includesOf(file).join('\n') !== before) changed = true;
    }
    this.indexPending.clear();
    if (changed && !this.shuttingDown) {
      for (const f of this.docContext.keys()) this.assignContext(f);
      this.schedule(0);
    }
  }

  private onChange(doc: TextDocument): void {
    const file = uriToPath(doc.uri);
    if (file === undefined) return;
    if (!this.docContext.has(file)) return; // didOpen handles the first content
    this.fs.setOverlay(file, doc.getText());
    // the include lines of the edited file (which board reads it) are rescanned once typing pauses, not on
    // every keystroke: a 200 KB .dtsi takes ~0.5 ms to scan, and include lines rarely change
    this.indexPending.add(file);
    if (this.indexUpdateTimer === undefined) {
      this.indexUpdateTimer = setTimeout(() => {
        try {
          this.updateIndexOfEditedFiles();
        } catch (e) {
          this.logError('index update', e);
        }
      }, INDEX_UPDATE_DELAY_MS);
    }
    this.markDirty(file);
    // an isolated edit is analysed at once; edits in a burst (typing) wait for the debounce. An
    // analysis overtaken by a newer edit is abandoned, so a burst publishes only its last version.
    const now = Date.now();
    const isolated = now - this.lastChangeAt >= this.settings.debounceMs && !this.running;
    this.lastChangeAt = now;
    this.schedule(isolated ? 0 : this.settings.debounceMs);
  }

  private onClose(doc: TextDocument): void {
    const file = uriToPath(doc.uri);
    if (file === undefined) return;
    this.fs.clearOverlay(file);
    this.index.updateFile(file); // back to the disk's text
    this.docContext.delete(file);
    if (this.extraRootFiles.delete(file)) this.updateFileRoots();
    this.markDirty(file);
    this.dropUnusedContexts();
    this.schedule(0);
  }

  private onDidChangeWatchedFiles(p: DidChangeWatchedFilesParams): void {
    let created = false;
    for (const ch of p.changes) {
      const file = uriToPath(ch.uri);
      if (file === undefined) continue;
      // a changed file is re-read (the cache also checks each file's stat on every read)
      this.nodeFs?.invalidate(file);
      if (this.settings.modelOverride === file) {
        this.applySettings(this.rawSettings);
        for (const ctx of this.contexts.values()) ctx.dirty = true;
      }
      if (this.fs.hasOverlay(file)) continue; // the editor buffer is the truth for open files
      const role = fileRole(file);
      if (ch.type === FileChangeType.Deleted) {
        this.index.removeFile(file);
      } else if (role !== 'other' && !file.endsWith('.h')) {
        this.index.updateFile(file);
      }
      if (ch.type === FileChangeType.Created) created = true;
      this.markDirty(file);
    }
    // a new file may satisfy a missing include anywhere; a deleted one may break one
    if (created || p.changes.some((c) => c.type === FileChangeType.Deleted)) {
      for (const ctx of this.contexts.values()) ctx.dirty = true;
      for (const f of this.docContext.keys()) this.assignContext(f);
    }
    this.schedule(this.settings.debounceMs);
  }

  // ---- contexts ---------------------------------------------------------------------------

  private configuredContext(file: string): string | undefined {
    return this.settings.contexts[file];
  }

  /** Choose (again) the context of an open file; returns true when it changed. */
  assignContext(file: string): boolean {
    const openFiles = new Set(this.docContext.keys());
    openFiles.add(file);
    let choice = this.index.chooseContext(file, {
      openFiles,
      explicit: this.explicitContext.get(file),
      configured: this.configuredContext(file),
    });
    if (choice.reason === 'lone' || choice.reason === 'first-board') {
      // a file the index does not connect to a board (e.g. a header) but that an analysed open board reads
      for (const ctx of this.contexts.values()) {
        if (ctx.root !== file && ctx.files.has(file) && openFiles.has(ctx.root)) {
          choice = { root: ctx.root, reason: 'open-board', candidates: [...new Set([...choice.candidates, ctx.root])].sort() };
          break;
        }
      }
    }
    const old = this.docContext.get(file);
    this.docContext.set(file, choice);
    if (!this.contexts.has(choice.root)) {
      this.contexts.set(choice.root, {
        root: choice.root,
        files: new Set([choice.root, file]),
        dirty: true,
        versions: new Map(),
        diagnosticsByFile: new Map(),
        lineIndexes: new Map(),
        durationMs: 0,
        analyses: 0,
      });
    }
    const changed = !old || old.root !== choice.root || old.reason !== choice.reason || old.candidates.join() !== choice.candidates.join();
    if (changed) {
      const info = this.contextInfoFor(file, choice);
      void this.connection.sendNotification('dts/contextChanged', info).catch(() => undefined);
      if (old && old.root !== choice.root) this.dropUnusedContexts();
    }
    return changed;
  }

  private contextInfoFor(file: string, choice: ContextChoice): ContextInfo {
    return {
      uri: pathToUri(file),
      root: choice.root,
      rootUri: pathToUri(choice.root),
      reason: choice.reason,
      candidates: choice.candidates.map((p) => ({ path: p, uri: pathToUri(p) })),
      flavour: detectFlavour(choice.root, this.fs, { zephyrBase: process.env.ZEPHYR_BASE }).flavour,
    };
  }

  private async contextInfo(uri: string): Promise<ContextInfo | null> {
    const file = uriToPath(uri);
    if (file === undefined) return null;
    if (!this.index.ready) await this.indexing;
    const choice = this.docContext.get(file) ?? this.index.chooseContext(file, { openFiles: this.docContext.keys() });
    return this.contextInfoFor(file, choice);
  }

  private async selectContext(uri: string, context: string | null): Promise<ContextInfo | null> {
    const file = uriToPath(uri);
    if (file === undefined) return null;
    if (context === null || context === '') this.explicitContext.delete(file);
    else {
      const board = context.startsWith('file:') ? uriToPath(context) : context;
      if (!board || this.fs.stat(board) !== 'file') throw new Error(`no such board: ${context}`);
      this.explicitContext.set(file, board);
    }
    if (!this.docContext.has(file)) return this.contextInfo(uri);
    this.assignContext(file);
    this.schedule(0);
    return this.contextInfoFor(file, this.docContext.get(file)!);
  }

  private activeRoots(): Set<string> {
    const roots = new Set<string>();
    for (const c of this.docContext.values()) roots.add(c.root);
    return roots;
  }

  private dropUnusedContexts(): void {
    const active = this.activeRoots();
    for (const root of [...this.contexts.keys()]) if (!active.has(root)) this.contexts.delete(root);
  }

  /** Mark every context that reads `file` (or is rooted at it) for re-analysis. */
  private markDirty(file: string): void {
    for (const ctx of this.contexts.values()) {
      if (ctx.root === file || ctx.files.has(file)) ctx.dirty = true;
    }
  }

  // ---- analysis ---------------------------------------------------------------------------

  /** An analysis run is in progress or scheduled. */
  private analysisPending(): boolean {
    return this.running || this.timer !== undefined;
  }

  schedule(delayMs: number): void {
    if (this.shuttingDown) return;
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

  private async runPending(): Promise<void> {
    if (this.running) {
      this.rerun = true;
      return;
    }
    this.running = true;
    try {
      // contexts of the most recently opened documents first would be nicer; keep insertion order
      for (const ctx of [...this.contexts.values()]) {
        if (!ctx.dirty || !this.contexts.has(ctx.root) || this.shuttingDown) continue;
        await this.analyzeContextInSteps(ctx);
        this.publish();
        await pauseImmediate(); // let edits and requests in between contexts
      }
      this.publish();
    } catch (e) {
      this.logError('analysis', e);
    } finally {
      this.running = false;
      this.idle.touch();
      // room in the young generation for the next keystroke's analysis, while nobody waits (idle-gc.ts)
      if (!this.rerun) this.young.afterAnalysis(() => this.analysisPending() || this.shuttingDown);
      if (this.rerun) {
        this.rerun = false;
        this.schedule(0);
      }
    }
  }

  /** Analyse a context now (for a request that needs a fresh analysis). Time-bounded by the facade's budget. */
  private analyzeContext(ctx: Context): void {
    ctx.dirty = false;
    const t0 = Date.now();
    let analysis: Analysis;
    try {
      analysis = this.host.analyze(ctx.root, () => this.shuttingDown);
    } catch (e) {
      this.logError(`analyze ${ctx.root}`, e);
      ctx.analysis = undefined;
      ctx.diagnosticsByFile = new Map();
      return;
    }
    this.finishAnalysis(ctx, analysis, t0);
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
    let superseded = false;
    const isCancelled = (): boolean => superseded || this.shuttingDown;
    this.log(`analysing ${ctx.root}`);
    const steps = this.host.analyzeSteps(ctx.root, isCancelled);
    let analysis: Analysis;
    try {
      for (;;) {
        const r = steps.next();
        if (r.done) { analysis = r.value; break; }
        // two turns: messages read in this turn are dispatched by the JSON-RPC layer in an immediate of its own
        await pauseImmediate();
        await pauseImmediate();
        if (ctx.dirty || this.shuttingDown || ctx.analyses !== startCount || this.contexts.get(ctx.root) !== ctx) {
          superseded = true;
          steps.return(undefined as never);
          this.stats.cancelledAnalyses++;
          this.log(`analysis of ${ctx.root} superseded after ${Date.now() - t0} ms`);
          if (!this.shuttingDown && ctx.analyses === startCount) ctx.dirty = true; // it still needs a fresh analysis
          return false;
        }
      }
    } catch (e) {
      this.logError(`analyze ${ctx.root}`, e);
      ctx.analysis = undefined;
      ctx.diagnosticsByFile = new Map();
      return false;
    }
    this.finishAnalysis(ctx, analysis, t0);
    return true;
  }

  private finishAnalysis(ctx: Context, analysis: Analysis, t0: number): void {
    ctx.analysis = analysis;
    ctx.files = new Set(analysis.pp?.files ?? [ctx.root]);
    ctx.files.add(ctx.root);
    ctx.versions = new Map();
    ctx.lineIndexes = new Map();
    for (const f of ctx.files) {
      const d = this.documents.get(pathToUri(f));
      if (d) ctx.versions.set(f, d.version);
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of analysis.diagnostics) {
      let list = byFile.get(d.file);
      if (!list) { list = []; byFile.set(d.file, list); }
      list.push(d);
    }
    ctx.diagnosticsByFile = byFile;
    ctx.durationMs = Date.now() - t0;
    ctx.analyses++;
    this.stats.analyses++;
    this.stats.lastAnalysisMs = ctx.durationMs;
    this.log(`analysed ${ctx.root} (${ctx.files.size} files, ${analysis.diagnostics.length} diagnostics) in ${ctx.durationMs} ms`);
  }

  /** True when an open document changed since the context's analysis. */
  private isStale(ctx: Context): boolean {
    if (ctx.dirty || !ctx.analysis) return true;
    for (const [f, v] of ctx.versions) {
      const d = this.documents.get(pathToUri(f));
      if (d && d.version !== v) return true;
    }
    return false;
  }

  /** Which context's diagnostics a file shows: its own choice when open, else the first active context reading it. */
  private ownerOf(file: string): Context | undefined {
    const choice = this.docContext.get(file);
    if (choice) return this.contexts.get(choice.root);
    for (const root of this.activeRoots()) {
      const ctx = this.contexts.get(root);
      if (ctx && ctx.files.has(file)) return ctx;
    }
    return undefined;
  }

  private publish(): void {
    if (this.shuttingDown) return;
    const want = new Map<string, { ctx: Context; diags: Diagnostic[] }>();
    const skip = new Set<string>();
    for (const ctx of this.contexts.values()) {
      const stale = this.isStale(ctx);
      for (const file of new Set([...ctx.files, ...ctx.diagnosticsByFile.keys()])) {
        if (want.has(file) || skip.has(file)) continue;
        if (this.ownerOf(file) !== ctx) continue;
        if (stale) { skip.add(file); continue; } // keep what was published until a fresh result
        want.set(file, { ctx, diags: ctx.diagnosticsByFile.get(file) ?? [] });
      }
    }
    for (const [file, { ctx, diags }] of want) {
      // the lists of a context are new arrays after each of its analyses: the same array converts the same
      let memo = this.publishMemo.get(file);
      if (!memo || memo.diags !== diags) {
        const lineIndexOf = (f: string) => this.lineIndexFor(ctx, f);
        const converted = diags.map((d) => toLspDiagnostic(d, lineIndexOf, this.relatedSupported));
        memo = { diags, key: JSON.stringify(converted), lsp: converted };
        this.publishMemo.set(file, memo);
      }
      const key = memo.key;
      const lsp = memo.lsp as ReturnType<typeof toLspDiagnostic>[];
      if (this.published.get(file) === key) continue;
      if (lsp.length === 0 && !this.published.has(file)) {
        // nothing was published before: publish empties only for open documents (clears stale client state)
        if (!this.docContext.has(file)) continue;
      }
      this.published.set(file, key);
      const version = ctx.versions.get(file);
      void this.connection.sendDiagnostics({ uri: pathToUri(file), version, diagnostics: lsp }).catch(() => undefined);
      if (this.stats.firstDiagnosticsMs < 0 && lsp.length >= 0) this.stats.firstDiagnosticsMs = Date.now() - this.startedAt;
    }
    // files no context owns any more (closed board, removed include): clear
    for (const file of [...this.published.keys()]) {
      if (want.has(file) || skip.has(file)) continue;
      if (this.published.get(file)!.startsWith('["model-override"')) continue;
      this.published.delete(file);
      this.publishMemo.delete(file);
      void this.connection.sendDiagnostics({ uri: pathToUri(file), diagnostics: [] }).catch(() => undefined);
    }
  }

  // ---- access for feature handlers -----------------------------------------------------------

  /** The line index of a file as the context's analysis saw it. */
  lineIndexFor(ctx: Context, file: string): LineIndex | undefined {
    let idx = ctx.lineIndexes.get(file);
    if (!idx) {
      idx = ctx.analysis?.lineIndex(file);
      if (!idx) {
        const r = this.fs.readFile(file);
        if (!r.ok) return undefined;
        idx = new LineIndex(r.text);
      }
      ctx.lineIndexes.set(file, idx);
    }
    return idx;
  }

  /**
   * An up-to-date analysis for a request about `uri`: the context of the open document, or of an active
   * context that reads the file. Re-analyses synchronously when edits are pending.
   */
  analysisFor(uri: string): { analysis: Analysis; file: string; lineIndexOf: (f: string) => LineIndex | undefined } | undefined {
    const file = uriToPath(uri);
    if (file === undefined) return undefined;
    let ctx = this.ownerOf(file);
    if (!ctx) return undefined;
    if (this.isStale(ctx)) {
      this.analyzeContext(ctx);
      this.schedule(0); // publish the fresh diagnostics soon
    }
    if (!ctx.analysis) return undefined;
    const c = ctx;
    return { analysis: c.analysis!, file, lineIndexOf: (f: string) => this.lineIndexFor(c, f) };
  }

  /** Every active, analysed context (for workspace-wide requests). */
  allAnalyses(): Analysis[] {
    const out: Analysis[] = [];
    for (const ctx of this.contexts.values()) {
      if (this.isStale(ctx)) this.analyzeContext(ctx);
      if (ctx.analysis) out.push(ctx.analysis);
    }
    return out;
  }

  lineIndexForAnalysis(analysis: Analysis, file: string): LineIndex | undefined {
    for (const ctx of this.contexts.values()) if (ctx.analysis === analysis) return this.lineIndexFor(ctx, file);
    return analysis.lineIndex(file);
  }

  get clientCapabilities(): ClientCapabilities { return this.capabilities; }
  get isShuttingDown(): boolean { return this.shuttingDown; }
  showMessage(type: MessageType, message: string): void {
    void this.connection.sendNotification('window/showMessage', { type, message }).catch(() => undefined);
  }
}
