// Memory given back while the editor is idle.
//
// Every analysis replaces the previous one of its board; the replaced results have usually survived long
// enough to be promoted to V8's old generation, which V8 lets grow to several times the live data before
// a full collection, and whose pages it keeps after a collection that does not compact. Measured through the
// server on four big boards: live data ~55 MB, RSS 140 MB when opened and 350 MB after 2,000 edits. When
// nothing has happened for 10 s (no message, no analysis, no indexing) and the heap has grown since the last
// time, this runs one compacting full collection (60-100 ms, at a moment nobody waits): the old generation
// shrinks to the live data and its pages are returned to the system. 5.5 s later, one young-generation
// collection (~1 ms) lets V8 shrink its young generation (2 x 4 MB, resident once used; node-options.ts) to 2 x 1 MB.
// At rest: 103-108 MB with the four boards open, 113-116 MB after 2,000 edits (BENCHMARKS.md).
// Why 10 s: the analysis right after a full collection is slower (measured: the first edit after one took
// 60-100 ms instead of ~30, in-process and through the server, with or without compaction; the GCs during it
// are only the usual scavenges, so it is V8 state the collection resets). A pause that long is not a pause
// in typing, and V8's own memory reducer waits about as long.
// It needs V8's gc(): the server is started with --expose-gc (node-options.ts); without it, nothing happens.
//
// Between keystrokes there was a young-generation collection too (once an analysis was published, when less
// room was left than the next analysis might need), so that no scavenge fell inside a keystroke's analysis.
// Issue 17's twelfth pass measured it again (benchmark section 2, 800 edits, paired runs): without it all edits
// p95 7.3 / 8.2 ms against 9.1 ms with it, the same memory at rest; the keystroke's analysis allocates little
// now (moves in place). It no longer paid: removed.

import * as v8 from 'node:v8';

/** The default quiet time before collecting (ms). DTS_LSP_IDLE_GC_MS overrides it (0 disables). */
export const IDLE_GC_DELAY_MS = 10_000;
/** The default quiet time after the first step before the young generation is shrunk (ms); V8 looks at the last 5 s. */
export const IDLE_SHRINK_DELAY_MS = 5500;
/** Young-generation collections per quiet period at most (the first may see the allocation rate of the work before). */
export const MAX_SHRINK_TRIES = 3;

export interface IdleCollectorOptions {
  /** quiet time before collecting (ms); 0 disables the collector */
  delayMs: number;
  /** collect only when the heap has grown by this much since the last idle collection (bytes)... */
  minGrowthBytes: number;
  /** ...and by this fraction of what was left then */
  minGrowthRatio: number;
  /** the V8 heap in use (bytes) */
  heapUsed: () => number;
  /** drops what can be made again cheaply (the server: AnalysisHost.releaseAtRest), before the first step's collection */
  release?: () => void;
  /** one compacting full collection; undefined when V8 offers none (no --expose-gc) */
  collect: (() => void) | undefined;
  /** quiet time after delayMs before the young generation is shrunk (ms) */
  shrinkDelayMs: number;
  /** one young-generation collection, true when the young generation is then at its smallest; undefined when V8 offers none */
  shrink: (() => boolean) | undefined;
  log: (message: string) => void;
}

type GcFunction = () => void;

/** V8's gc(): present when the process was started with --expose-gc (SERVER_NODE_OPTIONS); else there is no idle collection. */
function gcFunction(): GcFunction | undefined {
  const g = (globalThis as { gc?: unknown }).gc;
  return typeof g === 'function' ? (g as GcFunction) : undefined;
}

/** One full collection that compacts: the survivors are moved together so that the freed pages can be released. */
function compactingCollection(): (() => void) | undefined {
  const gc = gcFunction();
  if (!gc) return undefined;
  return () => {
    try {
      v8.setFlagsFromString('--compact-on-every-full-gc');
      gc();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}

/**
 * A young-generation collection. V8 shrinks its young generation (up to 2 x 4 MB, all of it resident once
 * used) at a collection when little was allocated in the 5 s before: after a quiet time that long, this
 * one collection (~1 ms) brings it down to 1 MB. It grows back as soon as work allocates again.
 */
function youngCollection(): (() => boolean) | undefined {
  const minor = minorCollection();
  if (!minor) return undefined;
  return () => {
    // V8 reads "nothing was allocated at all" as "unknown" and does not shrink then: allocate a little
    ballast = new Array(8192).fill(0);
    ballast = undefined;
    minor();
    return youngSize() <= YOUNG_SMALL_BYTES;
  };
}
let ballast: number[] | undefined;

/** One young-generation collection (a scavenge), or undefined without --expose-gc. */
function minorCollection(): (() => void) | undefined {
  const gc = gcFunction();
  if (!gc) return undefined;
  return () => (gc as (o: { type: string }) => void)({ type: 'minor' });
}

/** V8's statistics of its young generation. */
function newSpace(): v8.HeapSpaceInfo | undefined {
  for (const s of v8.getHeapSpaceStatistics()) if (s.space_name === 'new_space') return s;
  return undefined;
}

function youngSize(): number {
  return newSpace()?.space_size ?? 0;
}

const mb = (n: number): string => (n / 2 ** 20).toFixed(0);

/** The young generation at or below this size is at its smallest (2 x 1 MB semi-spaces). */
const YOUNG_SMALL_BYTES = 2 * 2 ** 20;

/**
 * The settings of the server's collector from the environment (for tests): DTS_LSP_IDLE_GC_MS (quiet time,
 * 0 disables), DTS_LSP_IDLE_GC_MIN_MB (growth), DTS_LSP_IDLE_GC_SHRINK_MS (second step).
 */
export function idleOptionsFromEnv(log: (m: string) => void, env: NodeJS.ProcessEnv = process.env): Partial<IdleCollectorOptions> {
  const o: Partial<IdleCollectorOptions> = { log };
  const delay = num(env.DTS_LSP_IDLE_GC_MS);
  if (delay !== undefined) o.delayMs = delay;
  const minMb = num(env.DTS_LSP_IDLE_GC_MIN_MB);
  if (minMb !== undefined) o.minGrowthBytes = minMb * 2 ** 20;
  const shrink = num(env.DTS_LSP_IDLE_GC_SHRINK_MS);
  if (shrink !== undefined) o.shrinkDelayMs = shrink;
  return o;
}

/** A setting from the environment: a number ≥ 0, else undefined (unset or not a number). */
function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

export class IdleCollector {
  readonly stats = { idleCollections: 0, lastIdleCollectionMs: 0, heapBeforeIdleCollection: 0, heapAfterIdleCollection: 0, youngShrinks: 0 };
  private lastActivity = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly o: IdleCollectorOptions;
  private shrinkTries = 0;
  /** the quiet period (its lastActivity) whose first step (old generation) and second step (young) ran */
  private firstStepFor = -1;
  private shrunkFor = -1;
  /** when the second step is due */
  private shrinkAt = 0;

  /** isBusy: work is running or scheduled (an analysis, the workspace index): not idle, whatever the time. */
  constructor(private readonly isBusy: () => boolean, options: Partial<IdleCollectorOptions> = {}) {
    this.o = {
      delayMs: IDLE_GC_DELAY_MS,
      minGrowthBytes: 24 * 2 ** 20,
      minGrowthRatio: 0.3,
      heapUsed: () => v8.getHeapStatistics().used_heap_size,
      collect: compactingCollection(),
      shrinkDelayMs: IDLE_SHRINK_DELAY_MS,
      shrink: youngCollection(),
      log: () => undefined,
      ...options,
    };
  }

  /** Something happened (a message, an analysis finished): the quiet time starts again. */
  touch(): void {
    if (this.o.delayMs <= 0 || this.stopped) return;
    this.lastActivity = Date.now();
    if (!this.timer) this.arm(this.o.delayMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => this.fire(), ms);
    this.timer.unref(); // never keeps the process alive
  }

  private fire(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const now = Date.now();
    const quiet = now - this.lastActivity;
    if (quiet < this.o.delayMs || this.isBusy()) {
      this.arm(Math.max(50, this.o.delayMs - quiet));
      return;
    }
    if (this.firstStepFor === this.lastActivity) {
      // second step, a longer quiet time after the first: the young generation
      if (this.shrunkFor === this.lastActivity) return;
      if (now < this.shrinkAt) {
        this.arm(this.shrinkAt - now);
        return;
      }
      if (!this.o.shrink) {
        this.shrunkFor = this.lastActivity;
        return;
      }
      const before = youngSize();
      const small = this.o.shrink();
      this.stats.youngShrinks++;
      this.o.log(`idle: young generation ${mb(before)} -> ${mb(youngSize())} MB`);
      // V8 judges the allocation rate over the last 5 s of its own records, which may still include the
      // work before the quiet time: if it did not shrink, once more after another quiet interval
      if (small || ++this.shrinkTries >= MAX_SHRINK_TRIES) {
        this.shrunkFor = this.lastActivity;
      } else {
        this.shrinkAt = now + this.o.shrinkDelayMs;
        this.arm(this.o.shrinkDelayMs);
      }
      return;
    }
    this.firstStepFor = this.lastActivity;
    this.shrinkTries = 0;
    this.shrinkAt = now + this.o.shrinkDelayMs;
    this.arm(this.o.shrinkDelayMs);
    // first step: what the server can drop, then the old generation, when it has grown
    this.o.release?.();
    const used = this.o.heapUsed();
    const last = this.stats.heapAfterIdleCollection;
    if (used - last < this.o.minGrowthBytes || used < last * (1 + this.o.minGrowthRatio)) return; // nothing much to give back
    if (!this.o.collect) return;
    const t0 = performance.now();
    this.o.collect();
    this.stats.idleCollections++;
    this.stats.lastIdleCollectionMs = performance.now() - t0;
    this.stats.heapBeforeIdleCollection = used;
    this.stats.heapAfterIdleCollection = this.o.heapUsed();
    this.o.log(`idle: collected garbage in ${this.stats.lastIdleCollectionMs.toFixed(0)} ms, heap ${mb(used)} -> ${mb(this.stats.heapAfterIdleCollection)} MB`);
  }
}
