// The language server: JSON-RPC <-> the analysis facade. This file wires the parts together and
// answers initialization; the parts live beside it: documents.ts (document sync), contexts.ts (board
// contexts), scheduler.ts (analysis runs), publish.ts (diagnostics), configuration.ts (settings, disk
// roots), indexing.ts (the workspace index), handlers.ts (editor features).
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  LogMessageNotification,
  MessageType,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { AnalysisHost, type Analysis } from '../analysis';
import { OverlayFileSystem, type FileSystem } from '../base/fs';
import { NodeFileSystem } from '../base/node-fs';
import type { LineIndex } from '../base/text';
import { WorkspaceIndex } from '../workspace/contexts';
import { ServerConfiguration } from './configuration';
import { ServerContexts, type Context } from './contexts';
import { pathToUri, uriToPath } from './convert';
import { DocumentSync, documentsNotingEdits } from './documents';
import { registerFeatureHandlers, serverCapabilities } from './handlers';
import { IdleCollector, idleOptionsFromEnv } from './idle-gc';
import { IndexRunner } from './indexing';
import { MappedLineIndex } from './position-map';
import { DiagnosticsPublisher } from './publish';
import type { FrameWriter } from './transport';
import { ANALYSIS_SLICE_MS, AnalysisScheduler } from './scheduler';
import { BindingsService } from './bindings';
import type { DtsSettings } from './settings';
import { performance } from 'node:perf_hooks';
import { TRACE, setTraceSink, startLagMonitor, traceLine } from './trace';

export type { ContextInfo } from './contexts';

/** A request waits this long for a fresh analysis of its context before it is answered from the last one. */
const REQUEST_WAIT_MS = 50;
/** ... and this long when its context has none yet, or when it computes edits (rename, code actions). */
const FIRST_ANALYSIS_WAIT_MS = 5000;

export class DtsServer {
  readonly documents = new TextDocuments(documentsNotingEdits);
  readonly fs: OverlayFileSystem;
  readonly host: AnalysisHost;
  readonly index: WorkspaceIndex;
  readonly config: ServerConfiguration;
  readonly contexts: ServerContexts;
  readonly scheduler: AnalysisScheduler;
  readonly publisher: DiagnosticsPublisher;
  readonly indexRunner: IndexRunner;
  readonly docSync: DocumentSync;
  /** binding validation in a worker (bindings.ts) */
  readonly bindings: BindingsService;
  private capabilities: ClientCapabilities = {};
  /** resolved once the settings are known (after `initialized`); documents opened before wait for it */
  readonly settingsReady: Promise<void>;
  private resolveSettingsReady: () => void = () => undefined;
  /** gives memory back when nothing has happened for a while (see idle-gc.ts) */
  readonly idle: IdleCollector;
  private shuttingDown = false;
  /** measurements (for logs and tests) */
  readonly stats = { analyses: 0, lastAnalysisMs: 0, firstDiagnosticsMs: -1, cancelledAnalyses: 0 };
  readonly startedAt = Date.now();
  /** on --stdio, the connection's writer (lsp/transport.ts), which takes messages already serialised */
  frameWriter?: FrameWriter;

  constructor(readonly connection: Connection, baseFs: FileSystem = new NodeFileSystem([])) {
    this.fs = new OverlayFileSystem(baseFs);
    this.config = new ServerConfiguration(this, baseFs instanceof NodeFileSystem ? baseFs : undefined);
    this.host = new AnalysisHost(this.fs, { incremental: true, sliceMs: ANALYSIS_SLICE_MS, zephyrBase: process.env.ZEPHYR_BASE });
    this.index = new WorkspaceIndex(this.fs, { includePaths: () => this.config.settings.includePaths, zephyrBase: process.env.ZEPHYR_BASE });
    this.contexts = new ServerContexts(this);
    this.scheduler = new AnalysisScheduler(this);
    this.publisher = new DiagnosticsPublisher(this);
    this.indexRunner = new IndexRunner(this);
    this.docSync = new DocumentSync(this);
    this.bindings = new BindingsService(this);
    this.settingsReady = new Promise<void>((resolve) => { this.resolveSettingsReady = resolve; });
    this.idle = new IdleCollector(
      () => this.scheduler.pending() || this.indexRunner.busy || this.indexRunner.updatePending,
      { ...idleOptionsFromEnv((m) => this.log(m)), release: () => this.host.releaseAtRest() },
    );
    setTraceSink((m) => this.log(m));
    startLagMonitor();
  }

  log(message: string): void {
    try {
      this.connection.console.log(message);
    } catch {
      // the connection is gone
    }
  }

  /** log(), resolved once the message is written out (or could not be). */
  logWritten(message: string): Promise<void> {
    try {
      return this.connection.sendNotification(LogMessageNotification.type, { type: MessageType.Log, message }).catch(() => undefined);
    } catch {
      return Promise.resolve();
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

  /**
   * Run a handler; an exception becomes a logged error and the fallback result. A request about a text
   * document first waits briefly for a fresh analysis of its context (see requestGate).
   */
  guard<P, R>(name: string, fallback: R, fn: (p: P) => R | Promise<R>): (p: P) => Promise<R> {
    return async (p: P) => {
      this.idle.touch();
      try {
        const uri = (p as { textDocument?: { uri?: unknown } } | undefined)?.textDocument?.uri;
        const t0 = TRACE ? performance.now() : 0;
        if (typeof uri === 'string' && !name.startsWith('did')) await this.requestGate(name, uri);
        const t1 = TRACE ? performance.now() : 0;
        const r = await fn(p);
        if (TRACE) traceLine(`request ${name} ${typeof uri === 'string' ? uri.replace(/.*\//, '') : ''} gate ${(t1 - t0).toFixed(1)} run ${(performance.now() - t1).toFixed(1)} ms`);
        return r;
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
      this.scheduler.cancel();
      this.scheduler.cancelValidations();
      this.indexRunner.stop();
      this.bindings.dispose();
    });
    c.onDidChangeConfiguration(this.guard('didChangeConfiguration', undefined, (p) => this.config.onDidChangeConfiguration(p.settings)));
    c.onDidChangeWatchedFiles(this.guard('didChangeWatchedFiles', undefined, (p) => this.docSync.onDidChangeWatchedFiles(p)));

    const docs = this.documents;
    docs.onDidOpen(this.guard('didOpen', undefined, (e) => this.docSync.onOpen(e.document)));
    docs.onDidChangeContent(this.guard('didChange', undefined, (e) => this.docSync.onChange(e.document)));
    docs.onDidClose(this.guard('didClose', undefined, (e) => this.docSync.onClose(e.document)));

    c.onRequest('dts/contexts', this.guard('dts/contexts', null, (p: { textDocument: { uri: string } }) => this.contexts.contextInfo(p.textDocument.uri)));
    c.onRequest(
      'dts/selectContext',
      this.guard('dts/selectContext', null, (p: { textDocument: { uri: string }; context?: string | null }) =>
        this.contexts.selectContext(p.textDocument.uri, p.context ?? null),
      ),
    );
    c.onRequest('dts/stats', this.guard('dts/stats', null, () => ({ ...this.stats, pending: this.busy(), contexts: [...this.contexts.byRoot.values()].map((x) => ({ root: x.root, files: x.files.size, durationMs: x.durationMs, analyses: x.analyses })), indexedFiles: this.index.fileCount, indexMode: this.indexRunner.mode, memory: process.memoryUsage(), bindings: { ...this.bindings.stats, pending: !this.bindings.idle() }, ...this.idle.stats, ...this.host.incrementalStats })));
    registerFeatureHandlers(this);
    docs.listen(c);
    c.listen();
  }

  private onInitialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities ?? {};
    this.publisher.relatedSupported = this.capabilities.textDocument?.publishDiagnostics?.relatedInformation !== false;
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
    this.config.workspaceRoots = roots;
    this.config.updateFileRoots();
    const init = params.initializationOptions as Record<string, unknown> | undefined;
    if (init && typeof init === 'object') {
      this.config.applySettings((init.devicetree ?? init.settings ?? init) as unknown);
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
      // while the client reports changed files, a stat is trusted for a while (NodeFileSystem.setTrustWindow)
      registrations.push(this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{dts,dtsi,dtso,overlay,keymap,h}' }],
      }).then(() => this.config.watchingDisk()));
    }
    if (caps.workspace?.didChangeConfiguration?.dynamicRegistration) {
      registrations.push(this.connection.client.register(DidChangeConfigurationNotification.type, { section: 'devicetree' }));
    }
    for (const r of registrations) r.catch((e) => this.logError('register', e));
    try {
      await this.config.fetchSettings();
    } finally {
      this.indexRunner.start();
      this.resolveSettingsReady();
    }
  }

  /** An analysis runs or is scheduled, or a didOpen waits for one. */
  busyAnalysing(): boolean {
    return this.scheduler.pending() || this.docSync.opening > 0;
  }

  /** Work is left to do: an analysis runs or is scheduled, the workspace index runs, a didOpen waits, bindings are validated. */
  busy(): boolean {
    return this.scheduler.pending() || this.indexRunner.busy || this.indexRunner.updatePending || this.docSync.opening > 0 || this.scheduler.validationPending() || !this.bindings.idle();
  }

  // ---- shared state the parts read ---------------------------------------------------------

  get currentSettings(): DtsSettings { return this.config.settings; }
  get workspaceRoots(): string[] { return this.config.workspaceRoots; }
  get indexing(): Promise<void> { return this.indexRunner.indexing; }

  // ---- access for feature handlers -----------------------------------------------------------

  /**
   * Before a request about `uri` is answered: its context is analysed next, and the request waits up to
   * REQUEST_WAIT_MS for a fresh analysis; then it is answered from the last finished one (positions mapped
   * through the edits since, see analysisFor). Only a context never analysed yet is waited for longer.
   * Requests that compute edits (rename, code actions) wait for the fresh analysis.
   */
  private async requestGate(name: string, uri: string): Promise<void> {
    const file = uriToPath(uri);
    if (file === undefined) return;
    // a document just opened gets its context once the settings (and for an include file the index) are
    // there: a request right after didOpen (an editor asks for semantic tokens at once) waits for that
    // (unless an analysis that read it can answer meanwhile: a .dtsi opened under its board waits for the index)
    const opening = this.docSync.openInProgress(uri);
    const early = opening && this.contexts.ownerOf(file);
    if (opening && !(early && early.analysis && early.analysis.pp.files.includes(file))) await Promise.race([opening.catch(() => undefined), new Promise((r) => setTimeout(r, FIRST_ANALYSIS_WAIT_MS).unref?.())]);
    const ctx = this.contexts.ownerOf(file);
    if (!ctx) return;
    this.scheduler.touch(ctx.root);
    if (!this.contexts.isStale(ctx)) return;
    const editing = /rename|codeAction/i.test(name);
    if (!ctx.analysis && !editing && this.contexts.standIn(file, ctx)) {
      // answered from another context that read the file, while its own is analysed first
      this.scheduler.schedule(0);
      return;
    }
    if (!ctx.analysis || editing) {
      await this.scheduler.whenFresh(ctx, FIRST_ANALYSIS_WAIT_MS);
      return;
    }
    // no wait when the fresh analysis would not be ready in time anyway (another context's analysis runs
    // first, or this one takes longer): the last finished analysis answers at once
    if (this.scheduler.expectedFreshMs(ctx) > REQUEST_WAIT_MS) {
      this.scheduler.schedule(0);
      return;
    }
    await this.scheduler.whenFresh(ctx, REQUEST_WAIT_MS);
  }

  /**
   * The analysis a request about `uri` is answered from: that of the open document's context (or of an
   * active context that reads the file), the last finished one; positions of documents edited since are
   * mapped (MappedLineIndex). A context with no analysis yet is analysed now.
   */
  analysisFor(uri: string): { analysis: Analysis; file: string; lineIndexOf: (f: string) => LineIndex | undefined } | undefined {
    const file = uriToPath(uri);
    if (file === undefined) return undefined;
    const ctx = this.contexts.ownerOf(file);
    if (!ctx) return undefined;
    let c = ctx;
    if (!ctx.analysis) {
      const other = this.contexts.standIn(file, ctx);
      if (other) c = other;
      else {
        this.scheduler.analyzeContext(ctx);
        this.scheduler.schedule(0); // publish the fresh diagnostics soon
        if (!ctx.analysis) return undefined;
      }
    }
    return { analysis: c.analysis!, file, lineIndexOf: (f: string) => this.requestLineIndex(c, f) };
  }

  /**
   * The line index a request uses for a file of a context's analysis: the analysis' own when the file is
   * unchanged since, else one of the document's current text that maps offsets to the analysis' text.
   */
  private requestLineIndex(ctx: Context, file: string): LineIndex | undefined {
    const own = this.publisher.lineIndexFor(ctx, file);
    const doc = this.documents.get(pathToUri(file));
    if (!own || !doc) return own;
    const current = doc.getText();
    if (current === own.text) return own;
    let m = ctx.mappedIndexes.get(file);
    if (!m || m.text !== current || m.oldText !== own.text) {
      m = new MappedLineIndex(own.text, current);
      ctx.mappedIndexes.set(file, m);
    }
    return m;
  }

  /** Every active context's last finished analysis (for workspace-wide requests); never-analysed ones now. */
  allAnalyses(): Analysis[] {
    const out: Analysis[] = [];
    for (const ctx of this.contexts.byRoot.values()) {
      if (!ctx.analysis) this.scheduler.analyzeContext(ctx);
      if (ctx.analysis) out.push(ctx.analysis);
    }
    return out;
  }

  lineIndexForAnalysis(analysis: Analysis, file: string): LineIndex | undefined {
    for (const ctx of this.contexts.byRoot.values()) if (ctx.analysis === analysis) return this.requestLineIndex(ctx, file);
    return analysis.lineIndex(file);
  }

  get clientCapabilities(): ClientCapabilities { return this.capabilities; }
  get isShuttingDown(): boolean { return this.shuttingDown; }
  showMessage(type: MessageType, message: string): void {
    void this.connection.sendNotification('window/showMessage', { type, message }).catch(() => undefined);
  }
}
