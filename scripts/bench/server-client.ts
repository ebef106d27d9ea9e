// The benchmark's view of the language server: the tests' JSON-RPC client (spawns `bin/dts-lsp --stdio`)
// plus waits on the server's "analysed <root> ... in N ms" log line, which the server writes right before
// it publishes the diagnostics of that analysis (the publish only happens when diagnostics changed, so the
// log line is the completion signal of an edit whose diagnostics stay the same).
import * as fs from 'node:fs';
import { LineIndex } from '../../server/src/base/text';
import { LspClient, uriOf } from '../../test/lsp/lsp-client';
import { now } from './stats';

export interface Analysed { root: string; ms: number; at: number }

export class BenchClient {
  readonly c: LspClient;
  readonly spawnedAt: number;
  readonly analysed: Analysed[] = [];
  indexedAt = -1;
  private waiters: Array<{ pred: (a: Analysed) => boolean; resolve: (a: Analysed) => void }> = [];
  private indexWaiters: Array<() => void> = [];
  readonly texts = new Map<string, string>();
  /** DTS_BENCH_LOG=file: the server's log lines with their arrival time (ms after spawn), written there */
  readonly timedLogs: string[] | undefined = process.env.DTS_BENCH_LOG ? [] : undefined;
  private versions = new Map<string, number>();

  constructor() {
    this.spawnedAt = now();
    this.c = new LspClient();
    this.c.conn.onNotification('window/logMessage', (p: { message: string }) => {
      const at = now();
      this.c.logs.push(p.message);
      if (this.timedLogs) this.timedLogs.push(`${(at - this.spawnedAt).toFixed(0)} ${p.message}`);
      const m = /^analysed (\S+) \(.*\) in (\d+) ms/.exec(p.message);
      if (m) {
        const a = { root: m[1], ms: Number(m[2]), at };
        this.analysed.push(a);
        for (const w of [...this.waiters]) {
          if (w.pred(a)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(a);
          }
        }
      }
      if (/^indexed \d+ Devicetree files/.test(p.message)) {
        this.indexedAt = at;
        for (const w of this.indexWaiters.splice(0)) w();
      }
    });
  }

  get pid(): number | undefined {
    return this.c.proc.pid;
  }

  async initialize(workspace: string, settings: Record<string, unknown>): Promise<void> {
    this.c.settings = settings;
    await this.c.initialize(workspace);
  }

  waitIndexed(timeoutMs = 60_000): Promise<void> {
    if (this.indexedAt >= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('workspace index did not finish')), timeoutMs);
      this.indexWaiters.push(() => { clearTimeout(t); resolve(); });
    });
  }

  waitAnalysed(root: string, after: number, timeoutMs = 30_000): Promise<Analysed> {
    const found = this.analysed.find((a) => a.root === root && a.at > after);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no analysis of ${root} within ${timeoutMs} ms\n${this.c.logs.slice(-20).join('\n')}\n${this.c.stderr}`)), timeoutMs);
      this.waiters.push({ pred: (a) => a.root === root && a.at > after, resolve: (a) => { clearTimeout(t); resolve(a); } });
    });
  }

  async open(file: string): Promise<void> {
    const text = fs.readFileSync(file, 'utf8');
    this.texts.set(file, text);
    this.versions.set(file, 1);
    await this.c.open(file, text);
  }

  /** Insert `insert` at offset p of an open file (one incremental change); returns the new version. */
  async insert(file: string, p: number, insert: string): Promise<number> {
    return this.replace(file, p, 0, insert);
  }

  /** Replace `remove` characters at offset p by `insert` (one didChange). */
  async replace(file: string, p: number, remove: number, insert: string): Promise<number> {
    return this.prepareReplace(file, p, remove, insert)();
  }

  /**
   * The same edit, prepared (its range in line/character computed, the text updated); the returned function
   * sends it. An edit is timed from the send: the client's own work is not the server's latency.
   */
  prepareReplace(file: string, p: number, remove: number, insert: string): () => Promise<number> {
    const text = this.texts.get(file)!;
    const idx = new LineIndex(text);
    const range = { start: idx.positionAt(p), end: idx.positionAt(p + remove) };
    this.texts.set(file, text.slice(0, p) + insert + text.slice(p + remove));
    return async () => {
      const v = await this.c.change(file, [{ range, text: insert }]);
      this.versions.set(file, v);
      return v;
    };
  }

  /** Diagnostics of `file` published for version >= v, or undefined while none. */
  publishedFor(file: string, v: number): boolean {
    const d = this.c.diagnostics.get(uriOf(file));
    return !!d && (d.version ?? 0) >= v;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.c.request<R>(method, params);
  }

  async stats(): Promise<{ memory?: NodeJS.MemoryUsage } & Record<string, unknown>> {
    return (await this.c.request('dts/stats', {})) as { memory?: NodeJS.MemoryUsage };
  }

  shutdown(): Promise<void> {
    if (this.timedLogs) fs.appendFileSync(process.env.DTS_BENCH_LOG!, this.timedLogs.join('\n') + '\n');
    return this.c.shutdown();
  }
}
