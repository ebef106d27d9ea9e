// Requests while the server is busy (issue 17, "never make a request wait on an analysis"): a fresh server,
// the four boards opened at once right after initialization (the workspace index starts meanwhile), each
// board's largest .dtsi opened as soon as the board has diagnostics (its context is analysed again); once
// all are analysed and the index is done, 3 s of typing (a value edit every 50 ms, round the documents).
// During all of it, hover, definition, completion and semanticTokens requests go round the open documents
// one after the other, each timed from sending to its answer. A document is asked about once its context
// has a finished analysis (before, there is nothing to answer from).
import { LineIndex } from '../../server/src/base/text';
import { uriOf } from '../../test/lsp/lsp-client';
import { BenchClient } from './server-client';
import { now, p95, prng, sleep } from './stats';

export const BUSY_METHODS = ['textDocument/hover', 'textDocument/definition', 'textDocument/completion', 'textDocument/semanticTokens/full'] as const;
export type BusyMethod = (typeof BUSY_METHODS)[number];

export interface BusyResult {
  /** per method: latencies (ms) */
  times: Record<BusyMethod, number[]>;
  /** requests sent while the documents were opening and the index ran (the rest: during the typing phase) */
  duringWork: number;
  /** time from initialize to the last board's diagnostics, and to the index done */
  allDiagnosticsMs: number;
  indexedMs: number;
  /** the slowest request: method, file, ms */
  slowest: { method: string; file: string; ms: number };
}

/** Offsets of `&label` references (the label's first character). */
function refOffsets(text: string): number[] {
  const out: number[] = [];
  const re = /&([A-Za-z_][A-Za-z0-9_]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m.index + 1);
  return out;
}

/** The typing phase after the documents are open and the index is done. */
const TYPING_MS = 3000;

export async function runBusy(dtsDir: string, boards: string[], dtsis: Map<string, string>, settings: Record<string, unknown> = {}): Promise<BusyResult> {
  const c = new BenchClient();
  const times = Object.fromEntries(BUSY_METHODS.map((m) => [m, [] as number[]])) as Record<BusyMethod, number[]>;
  const res: BusyResult = { times, duringWork: 0, allDiagnosticsMs: NaN, indexedMs: NaN, slowest: { method: '', file: '', ms: 0 } };
  const rnd = prng(23);
  try {
    const t0 = now();
    await c.initialize(dtsDir, settings);
    // the four boards at once (an editor restoring its tabs)
    for (const b of boards) await c.open(b);
    const ready = new Set<string>();
    const openDtsi = async (b: string): Promise<void> => {
      const d = dtsis.get(b);
      if (d && !c.texts.has(d)) { await c.open(d); }
    };
    const watch = boards.map((b) => c.c.waitForDiagnostics(b, () => true, 120_000, true).then(async () => {
      ready.add(b);
      await openDtsi(b);
    }));
    const allDiag = Promise.all(watch).then(() => { res.allDiagnosticsMs = now() - t0; });
    const indexed = c.waitIndexed(120_000).then(() => { res.indexedMs = now() - t0; }).catch(() => undefined);
    let k = 0;
    let done = false;
    let typingUntil = Infinity;
    void Promise.all([allDiag, indexed]).then(async () => {
      // then typing: an edit every 50 ms, round the boards and their .dtsi files, for TYPING_MS
      typingUntil = now() + TYPING_MS;
      let e = 0;
      while (now() < typingUntil) {
        const f = [...c.texts.keys()][e++ % c.texts.size];
        const text = c.texts.get(f)!;
        const p = text.indexOf('<0x', int(rnd, Math.max(1, text.length - 100)));
        if (p >= 0) await c.replace(f, p + 3, 1, String(int(rnd, 9) + 1));
        await sleep(50);
      }
      done = true;
    });
    // requests one after the other while the work lasts (a document is asked about once its context has an analysis)
    while (!done) {
      const files = [...c.texts.keys()].filter((f) => ready.has(f) || [...ready].some((b) => dtsis.get(b) === f));
      if (files.length === 0) { await sleep(5); continue; }
      const file = files[k % files.length];
      const method = BUSY_METHODS[k % BUSY_METHODS.length];
      const refs = refOffsets(c.texts.get(file)!);
      const off = refs.length ? refs[int(rnd, refs.length)] : 0;
      const position = new LineIndex(c.texts.get(file)!).positionAt(off);
      const textDocument = { uri: uriOf(file) };
      const params = method.endsWith('/full') ? { textDocument } : { textDocument, position };
      const q0 = now();
      await c.request(method, params);
      const ms = now() - q0;
      times[method].push(ms);
      c.timedLogs?.push(`${(q0 - c.spawnedAt).toFixed(0)} CLIENT ${method} ${file.replace(/.*\//, '')} ${ms.toFixed(1)} ms`);
      if (q0 < typingUntil - TYPING_MS) res.duringWork++;
      if (ms > res.slowest.ms) res.slowest = { method, file, ms };
      k++;
    }
  } finally {
    await c.shutdown();
  }
  return res;
}

function int(rnd: () => number, n: number): number {
  return Math.floor(rnd() * n);
}

/** p95 over all methods. */
export function busyP95(r: BusyResult): number {
  return p95(BUSY_METHODS.flatMap((m) => r.times[m]));
}

/** The report section (markdown lines). */
export function busyReport(r: BusyResult, rel: (f: string) => string, fmtMs: (v: number) => string, median: (v: number[]) => number): string[] {
  const all = BUSY_METHODS.flatMap((m) => r.times[m]);
  const lines = [
    '### 6. Requests while the server is busy (four boards opened at once, the workspace index running)',
    '',
    'A fresh server; the four boards opened together right after `initialized`; each board\'s largest .dtsi opened once the board has diagnostics (its context is analysed again); then 3 s of typing (a value edit every 50 ms, round the eight documents). Meanwhile hover, definition, completion and semanticTokens go round the open documents one after the other (a document is asked about once its context has a finished analysis). A request waits at most 50 ms for a fresh analysis of its context, then is answered from the last finished one.',
    '',
    '| request | count | median | p95 | max |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const m of BUSY_METHODS) {
    const t = r.times[m];
    if (t.length) lines.push(`| ${m.replace('textDocument/', '')} | ${t.length} | ${fmtMs(median(t))} ms | ${fmtMs(p95(t))} ms | ${fmtMs(Math.max(...t))} ms |`);
  }
  lines.push(`| **all** | ${all.length} | ${fmtMs(median(all))} ms | **${fmtMs(p95(all))} ms** | ${fmtMs(Math.max(...all))} ms |`);
  lines.push('', `${r.duringWork} of the requests were sent while the documents opened and the index ran, the others during the typing. All four boards had diagnostics ${fmtMs(r.allDiagnosticsMs)} ms after start; the index was done after ${fmtMs(r.indexedMs)} ms. Slowest: ${r.slowest.method.replace('textDocument/', '')} on ${rel(r.slowest.file)}, ${fmtMs(r.slowest.ms)} ms. Target: p95 ≤ 100 ms.`, '');
  return lines;
}
