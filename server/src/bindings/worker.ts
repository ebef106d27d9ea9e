// The bindings worker of the language server: holds the processed Linux schemas and the compiled validators,
// and validates the trees the server posts (in DTB form, see flatten.ts) off the main thread, so that the
// cheap diagnostics of an edit publish first. It reads only the binding folders and its cache folder.
// The server releases it when the editor is idle (lsp/bindings.ts): told to retire, it writes its node findings
// to the cache (results-cache.ts) and ends; the next worker reads them back and validates only what changed.
import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { codeStamp, FolderCache, NodeFileSystem } from '../base/node-fs';
import { BindingsHost, type BindingsOptions, type TreeInfo } from './index';
import type { PackedTree } from './flatten';
import type { Finding } from './linux/validate';

export interface WorkerConfig {
  enabled: boolean;
  dirs: string[];
  cacheDir?: string;
  env?: BindingsOptions['env'];
}

export type ToWorker =
  | { type: 'config'; config: WorkerConfig }
  | { type: 'retire' }
  | { type: 'validate'; id: number; context: string; info: TreeInfo; tree: PackedTree; /** schema sets whose index the server has */ haveIndexes?: string[] };

/** What the main thread needs of a loaded schema set for hover, completion and signature help. */
export interface SchemaIndex {
  key: string;
  origin: string;
  compatMap: Record<string, string>;
  files: Record<string, string>;
  types: import('./linux/prop-types').TypeTable;
  compatibles: string[];
}

export type FromWorker =
  | { type: 'result'; id: number; context: string; findings: Finding[]; ms: number; validated: number; reused: number; key?: string; index?: SchemaIndex; heapUsed: number }
  | { type: 'error'; id: number; context: string; message: string };

let host: BindingsHost | undefined;
const sentIndex = new Set<string>();

function configure(c: WorkerConfig): void {
  host = new BindingsHost(new NodeFileSystem(), {
    enabled: c.enabled,
    dirs: c.dirs,
    cache: c.cacheDir ? new FolderCache(c.cacheDir) : undefined,
    env: c.env,
    resultsStamp: codeStamp(__filename),
  });
  sentIndex.clear();
}

function validate(m: Extract<ToWorker, { type: 'validate' }>): FromWorker {
  const t0 = Date.now();
  if (!host) configure({ enabled: true, dirs: [] });
  const lb = host!.linuxFor(m.info);
  if (!lb?.validator) return { type: 'result', id: m.id, context: m.context, findings: [], ms: Date.now() - t0, validated: 0, reused: 0, heapUsed: getHeapStatistics().used_heap_size };
  const findings = lb.validator.validatePacked(m.tree);
  const store = lb.validator.store;
  let index: SchemaIndex | undefined;
  // (the index is the schema set's whole header: not read for a tree whose nodes all have known findings)
  if (!sentIndex.has(store.key) && !m.haveIndexes?.includes(store.key)) {
    sentIndex.add(store.key);
    index = {
      key: store.key,
      origin: lb.load.origin,
      compatMap: store.header.compatMap,
      files: store.header.files,
      types: store.header.types,
      compatibles: store.header.compatibles,
    };
  }
  const { validated, reused } = lb.validator.stats;
  return { type: 'result', id: m.id, context: m.context, findings, ms: Date.now() - t0, validated, reused, key: store.key, index, heapUsed: getHeapStatistics().used_heap_size };
}

/** Once the worker has been idle this long, one full collection (the server runs with --expose-gc). */
const IDLE_GC_MS = 10_000;
let idleTimer: NodeJS.Timeout | undefined;

function scheduleIdleGc(): void {
  if (idleTimer) clearTimeout(idleTimer);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  idleTimer = setTimeout(() => gc(), IDLE_GC_MS);
  idleTimer.unref();
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (m: ToWorker) => {
    scheduleIdleGc();
    if (m.type === 'config') {
      configure(m.config);
      return;
    }
    if (m.type === 'retire') {
      try {
        host?.saveResults();
      } finally {
        if (idleTimer) clearTimeout(idleTimer);
        port.close(); // nothing else keeps the thread: it ends
      }
      return;
    }
    let reply: FromWorker;
    try {
      reply = validate(m);
    } catch (e) {
      reply = { type: 'error', id: m.id, context: m.context, message: e instanceof Error ? e.stack ?? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}
