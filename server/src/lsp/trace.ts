// Where the main thread's time goes while requests wait (DTS_LSP_TRACE=1): blocks of synchronous work
// longer than a threshold and every request's wait and run time, written to the log. Off by default
// (one boolean test per call).
import { PerformanceObserver, performance } from 'node:perf_hooks';

export const TRACE = !!process.env.DTS_LSP_TRACE;
const MIN_MS = Number(process.env.DTS_LSP_TRACE_MIN_MS ?? 8);
let sink: (line: string) => void = () => undefined;

export function setTraceSink(f: (line: string) => void): void {
  sink = f;
}

/** Time a synchronous block. */
export function traced<T>(label: string, fn: () => T): T {
  if (!TRACE) return fn();
  const t0 = performance.now();
  try {
    return fn();
  } finally {
    const ms = performance.now() - t0;
    if (ms >= MIN_MS) sink(`trace ${label} ${ms.toFixed(1)} ms`);
  }
}

/** A point of a keystroke's timeline: ms since the epoch, sub-millisecond (DTS_LSP_TRACE only). */
export function traceMark(what: string): void {
  if (TRACE) sink(`trace mark ${what} ${(performance.timeOrigin + performance.now()).toFixed(2)} pf ${process.resourceUsage().minorPageFault}`);
}

export function traceLine(line: string): void {
  if (TRACE) sink(`trace ${line}`);
}

/** Log every stall of the event loop longer than the threshold (DTS_LSP_TRACE only). */
export function startLagMonitor(): void {
  if (!TRACE) return;
  let last = performance.now();
  const h = setInterval(() => {
    const t = performance.now();
    if (t - last > 5 + MIN_MS) sink(`trace lag ${(t - last - 5).toFixed(1)} ms`);
    last = t;
  }, 5);
  h.unref();
  // garbage collections long enough to show as lag (kind: 1 scavenge, 2 mark-compact, 4 incremental, 8 weak callbacks)
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (e.duration >= MIN_MS / 2) sink(`trace gc kind ${kind} ${e.duration.toFixed(1)} ms at ${(performance.timeOrigin + e.startTime).toFixed(2)}`);
    }
  });
  gc.observe({ entryTypes: ['gc'] });
}
