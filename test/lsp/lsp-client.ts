// A small JSON-RPC client for the LSP tests: spawns `bin/dts-lsp --stdio` and
// speaks LSP over its stdin/stdout with vscode-languageserver-protocol.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  MarkupKind,
  type ClientCapabilities,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { SERVER_ENV, SERVER_NODE_OPTIONS } from '../../server/src/lsp/node-options';

export const REPO = path.resolve(__dirname, '../../..');
export const SERVER = path.join(REPO, 'bin/dts-lsp');
export const FIXTURES = path.join(REPO, 'test/fixtures/lsp');

export function fixture(name: string): string {
  return path.join(FIXTURES, name);
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

interface Waiter<T> {
  pred: (v: T) => boolean;
  resolve: (v: T) => void;
}

export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: ProtocolConnection;
  /** latest diagnostics per URI */
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** every publishDiagnostics received, in order */
  readonly history: PublishDiagnosticsParams[] = [];
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly logs: string[] = [];
  stderr = '';
  private readonly diagWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private readonly noteWaiters: Waiter<{ method: string; params: unknown }>[] = [];
  private versions = new Map<string, number>();
  initializeResult?: InitializeResult;

  constructor(args: string[] = ['--stdio'], server: string = SERVER, env: NodeJS.ProcessEnv = process.env) {
    // the server runs as the VS Code client starts it (SERVER_NODE_OPTIONS, SERVER_ENV); DTS_LSP_NODE_FLAGS adds V8/node
    // flags after them (benchmarks of memory policies)
    const flags = [...SERVER_NODE_OPTIONS, ...(process.env.DTS_LSP_NODE_FLAGS ?? '').split(' ').filter((f) => f)];
    this.proc = spawn(process.execPath, [...flags, server, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...SERVER_ENV, ...env } });
    this.proc.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout!), new StreamMessageWriter(this.proc.stdin!));
    this.conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.diagnostics.set(p.uri, p);
      this.history.push(p);
      for (const w of [...this.diagWaiters]) {
        if (w.pred(p)) {
          this.diagWaiters.splice(this.diagWaiters.indexOf(w), 1);
          w.resolve(p);
        }
      }
    });
    const record = (method: string) => (params: unknown) => {
      if (method === 'window/logMessage') {
        this.logs.push((params as { message: string }).message);
        return;
      }
      const n = { method, params };
      this.notifications.push(n);
      for (const w of [...this.noteWaiters]) {
        if (w.pred(n)) {
          this.noteWaiters.splice(this.noteWaiters.indexOf(w), 1);
          w.resolve(n);
        }
      }
    };
    for (const m of ['window/logMessage', 'window/showMessage', 'dts/contextChanged', 'dts/contextStatus', '$/progress', 'telemetry/event']) {
      this.conn.onNotification(m, record(m));
    }
    // the server may ask for progress tokens, configuration, registrations
    this.conn.onRequest('workspace/configuration', () => [this.settings]);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('client/registerCapability', (p: unknown) => { this.registrations.push(p); return null; });
    this.conn.listen();
  }

  settings: unknown = {};
  readonly registrations: unknown[] = [];

  async initialize(rootDir: string = FIXTURES, capabilities: Record<string, unknown> = {}): Promise<InitializeResult> {
    const caps: ClientCapabilities = {
      textDocument: {
        publishDiagnostics: { relatedInformation: true, versionSupport: true },
        hover: { contentFormat: [MarkupKind.Markdown, MarkupKind.PlainText] },
        synchronization: { dynamicRegistration: false },
      },
      workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true } },
      window: { workDoneProgress: true },
      ...capabilities,
    };
    this.initializeResult = await this.conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(rootDir),
      capabilities: caps,
      workspaceFolders: [{ uri: uriOf(rootDir), name: path.basename(rootDir) }],
    });
    await this.conn.sendNotification(InitializedNotification.type, {});
    return this.initializeResult;
  }

  async open(file: string, text?: string): Promise<string> {
    const uri = uriOf(file);
    this.versions.set(uri, 1);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId: 'dts', version: 1, text: text ?? fs.readFileSync(file, 'utf8') },
    });
    return uri;
  }

  async change(file: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const uri = uriOf(file);
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(file: string): Promise<void> {
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uriOf(file) } });
  }

  /** The next diagnostics for `file` satisfying pred (or the current ones if they already do and `fresh` is false). */
  waitForDiagnostics(file: string, pred: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 10_000, fresh = false): Promise<Diagnostic[]> {
    const uri = uriOf(file);
    const cur = this.diagnostics.get(uri);
    if (!fresh && cur && pred(cur.diagnostics)) return Promise.resolve(cur.diagnostics);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.diagWaiters.indexOf(w);
        if (i >= 0) this.diagWaiters.splice(i, 1);
        reject(new Error(`no matching diagnostics for ${file} within ${timeoutMs} ms; last: ${JSON.stringify(this.diagnostics.get(uri)?.diagnostics)}\nlogs:\n${this.logs.join('\n')}\n${this.stderr}`));
      }, timeoutMs);
      const w: Waiter<PublishDiagnosticsParams> = {
        pred: (p) => p.uri === uri && pred(p.diagnostics),
        resolve: (p) => { clearTimeout(timer); resolve(p.diagnostics); },
      };
      this.diagWaiters.push(w);
    });
  }

  waitForNotification(method: string, pred: (params: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    const found = this.notifications.find((n) => n.method === method && pred(n.params));
    if (found) return Promise.resolve(found.params);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
      this.noteWaiters.push({
        pred: (n) => n.method === method && pred(n.params),
        resolve: (n) => { clearTimeout(timer); resolve(n.params); },
      });
    });
  }

  /**
   * Resolves once the server is quiet: no analysis running or scheduled (dts/stats `pending`) and no
   * publishDiagnostics for `settleMs`, twice in a row.
   */
  async waitQuiet(settleMs = 150, timeoutMs = 60_000): Promise<void> {
    const t0 = Date.now();
    let calm = 0;
    while (calm < 2) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`server not quiet within ${timeoutMs} ms\n${this.logs.slice(-20).join('\n')}`);
      const published = this.history.length;
      await new Promise((r) => setTimeout(r, settleMs));
      const stats = await this.request<{ pending: boolean } | null>('dts/stats', {});
      calm = stats && !stats.pending && this.history.length === published ? calm + 1 : 0;
    }
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 3000))]);
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    const exited = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null) resolve();
      else this.proc.once('exit', () => resolve());
    });
    const t = setTimeout(() => this.proc.kill(), 3000);
    await exited;
    clearTimeout(t);
    this.conn.dispose();
  }
}

/** Position (line, character) of the n-th occurrence of `needle` in a fixture file, optionally shifted. */
export function positionOf(file: string, needle: string, shift = 0, occurrence = 0): { line: number; character: number } {
  const text = fs.readFileSync(file, 'utf8');
  let at = -1;
  for (let k = 0; k <= occurrence; k++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} not found in ${file}`);
  }
  const offset = at + shift;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/**
 * A server initialized on `root` for `fn`, shut down after it (whether `fn` fails or not); then the folder
 * `remove`, when given (a test's temporary workspace), is deleted.
 */
export async function withClient(root: string, fn: (c: LspClient) => Promise<void>, remove?: string): Promise<void> {
  const c = new LspClient();
  try {
    await c.initialize(root);
    await fn(c);
  } finally {
    await c.shutdown();
    if (remove) fs.rmSync(remove, { recursive: true, force: true });
  }
}
