// The workspace index as the server runs it: the folder walk in the background once the documents
// opened with initialization are analysed (with progress), and the rescan of edited documents'
// include lines once typing pauses.
import { setImmediate as pauseImmediate, setTimeout as pauseTimeout } from 'node:timers/promises';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { IndexProgress } from '../workspace/contexts';
import { pathToUri } from './convert';
import type { FromIndexWorker, IndexWorkerInput } from './index-worker';
import type { DtsServer } from './server';

/** The index worker's script, beside this module: the bundle's (dist/server) or the compiled one (out/). */
function indexWorkerPath(): string | undefined {
  const p = path.join(__dirname, 'index-worker.js');
  return fs.existsSync(p) ? p : undefined;
}

/** The workspace index starts this long after initialization, once the documents opened with it are analysed. */
const INDEX_START_DELAY_MS = 30;
/** Edited documents' include lines are rescanned once typing has paused this long (see noteEdited). */
const INDEX_UPDATE_DELAY_MS = 250;
/** the longest an edited document's include lines wait for typing to pause */
const INDEX_UPDATE_MAX_WAIT_MS = 3000;

export class IndexRunner {
  /** resolves once the folder walk is done (or at once when it never started) */
  indexing: Promise<void> = Promise.resolve();
  private started = false;
  /** the workspace index is being built */
  busy = false;
  /** edited documents whose include lines the workspace index has not seen yet */
  private readonly pending = new Set<string>();
  private updateTimer: NodeJS.Timeout | undefined;

  constructor(private readonly s: DtsServer) {}

  /** An update of edited files' include lines is scheduled. */
  get updatePending(): boolean {
    return this.updateTimer !== undefined;
  }

  stop(): void {
    if (this.updateTimer) clearTimeout(this.updateTimer);
    if (this.worker) void this.worker.terminate();
  }

  start(): void {
    const s = this.s;
    if (this.started || s.workspaceRoots.length === 0) return;
    this.started = true;
    this.busy = true;
    this.indexing = (async () => {
      const t0 = Date.now();
      let reporter: WorkDoneProgressServerReporter | undefined;
      let lastReport = 0;
      if (s.clientCapabilities.window?.workDoneProgress) {
        try {
          reporter = await s.connection.window.createWorkDoneProgress();
          reporter.begin('Devicetree: indexing boards', 0, 'scanning folders', false);
        } catch (e) {
          s.logError('workDoneProgress', e);
          reporter = undefined;
        }
      }
      // open documents come first: a client opens them right after initialization, and their analysis
      // (a cold process) must not share the thread with the folder walk
      const waitForAnalyses = async (): Promise<void> => {
        for (let i = 0; i < 500 && s.scheduler.pending(); i++) await pauseTimeout(10);
      };
      const progress = (p: IndexProgress): void => {
        if (!reporter || p.phase !== 'scan' || p.total === 0) return;
        const now = Date.now();
        if (now - lastReport < 100 && p.done < p.total) return; // a report every 100 ms is plenty
        lastReport = now;
        reporter.report(Math.round((100 * p.done) / p.total), `${p.done}/${p.total} files`);
      };
      try {
        // after the analyses of the documents opened with initialization (a worker reading 2,000 files
        // beside a cold analysis on two cores delayed sm8550-mtp's first diagnostics by 75-100 ms); off the
        // main thread when the worker script is there and the index reads the disk (not a test's files in
        // memory); else here, in slices
        await pauseTimeout(INDEX_START_DELAY_MS);
        await waitForAnalyses();
        const diskRoots = s.config.diskRoots;
        const worker = diskRoots !== null && process.env.DTS_LSP_INDEX_WORKER !== '0' ? indexWorkerPath() : undefined;
        if (worker && (await this.indexInWorker(worker, diskRoots ?? undefined, progress))) {
          this.mode = 'worker';
        } else {
          this.mode = 'main';
          await s.index.index(s.workspaceRoots, progress, async () => {
            await pauseImmediate();
            // analyses of open documents come first: the index waits while one is pending
            await waitForAnalyses();
          });
        }
      } finally {
        reporter?.done();
        this.busy = false;
        s.idle.touch();
      }
      s.log(`indexed ${s.index.fileCount} Devicetree files in ${Date.now() - t0} ms`);
      // contexts of open include files may now have a board
      if (s.contexts.reassignAll()) s.scheduler.schedule(0);
    })().catch((e) => s.logError('index', e));
  }

  /** where the last walk ran (dts/stats, tests) */
  mode: 'worker' | 'main' | undefined;

  /**
   * The walk in a worker thread (index-worker.ts); false when the worker could not do it (the caller then
   * indexes on the main thread). Documents opened or edited meanwhile keep their editor texts' includes.
   */
  private indexInWorker(file: string, allowedRoots: string[] | undefined, progress: (p: IndexProgress) => void): Promise<boolean> {
    const s = this.s;
    s.index.beginElsewhere(s.workspaceRoots);
    const input: IndexWorkerInput = { folders: s.workspaceRoots, allowedRoots, includePaths: s.currentSettings.includePaths, zephyrBase: process.env.ZEPHYR_BASE };
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const settle = (ok: boolean): void => {
        if (settled) return;
        settled = true;
        resolve(ok);
      };
      let w: Worker;
      try {
        w = new Worker(file, { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
      } catch (e) {
        s.logError('index worker', e);
        settle(false);
        return;
      }
      this.worker = w;
      w.on('message', (m: FromIndexWorker) => {
        if (m.type === 'progress') progress(m.progress);
        else if (m.type === 'done') {
          if (!s.isShuttingDown) s.index.adopt(m.entries);
          settle(true);
          void w.terminate();
        } else {
          s.log(`index worker: ${m.message}; indexing on the main thread`);
          settle(false);
          void w.terminate();
        }
      });
      w.on('error', (e) => {
        s.logError('index worker', e);
        settle(false);
      });
      w.on('exit', () => {
        this.worker = undefined;
        settle(false);
      });
    });
  }

  private worker: Worker | undefined;

  /** An open document was edited: its include lines are rescanned once typing pauses. */
  noteEdited(file: string): void {
    // not on every keystroke: a 200 KB .dtsi takes ~0.5-1.3 ms to scan, and include lines rarely change. Once typing
    // pauses (each keystroke puts the scan off), or at the latest INDEX_UPDATE_MAX_WAIT_MS after the first edit: a
    // scan every 250 ms while typing landed in a keystroke's analysis every few keystrokes
    this.pending.add(file);
    const now = Date.now();
    this.pendingSince ??= now;
    if (this.updateTimer !== undefined) clearTimeout(this.updateTimer);
    const wait = Math.max(0, Math.min(INDEX_UPDATE_DELAY_MS, this.pendingSince + INDEX_UPDATE_MAX_WAIT_MS - now));
    this.updateTimer = setTimeout(() => {
      try {
        this.updateEditedFiles();
      } catch (e) {
        this.s.logError('index update', e);
      }
    }, wait);
  }

  /** when the oldest edit not yet scanned came (see noteEdited) */
  private pendingSince: number | undefined;

  /** Rescan the include lines of documents edited since the last time; re-choose contexts when they changed. */
  private updateEditedFiles(): void {
    const s = this.s;
    this.updateTimer = undefined;
    this.pendingSince = undefined;
    let changed = false;
    for (const file of this.pending) {
      const doc = s.documents.get(pathToUri(file));
      if (!doc) continue; // closed: onClose re-read it from disk
      const before = s.index.includesOf(file).join('\n');
      s.index.updateFile(file, doc.getText());
      if (s.index.includesOf(file).join('\n') !== before) changed = true;
    }
    this.pending.clear();
    if (changed && !s.isShuttingDown) {
      s.contexts.reassignAll();
      s.scheduler.schedule(0);
    }
  }
}
