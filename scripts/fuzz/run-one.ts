// One fuzz input through the whole pipeline (preprocess, parse, merge, model, checks), the
// tree printer and the editor features at random offsets, with the invariants the server
// relies on: nothing throws, no internal-error diagnostic, every diagnostic range lies inside
// the text of its file, and the input takes at most SLOW_MS.
import type { Analysis, AnalysisHost } from '../../server/src/analysis';
import type { Diagnostic, FileRange } from '../../server/src/base/diagnostics';
import * as F from '../../server/src/features';
import { getRenameEdits } from '../../server/src/features/rename';
import { emitDts } from '../../server/src/tree/emit';
import type { Rng } from './rng';

/** An input slower than this is a failure ("no input takes more than 1 s"). */
export const SLOW_MS = 1000;

export interface Failure {
  kind: 'exception' | 'internal-error' | 'bad-range' | 'slow' | 'hang' | 'crash';
  /** the stage or feature that failed */
  where: string;
  message: string;
  stack?: string;
}

export interface OneResult {
  ms: number;
  analysisMs: number;
  diagnostics: number;
  failures: Failure[];
}

function fail(where: string, e: unknown): Failure {
  const err = e instanceof Error ? e : new Error(String(e));
  return { kind: 'exception', where, message: `${err.name}: ${err.message}`, stack: err.stack };
}

function rangeProblem(a: Analysis, r: FileRange, what: string): string | undefined {
  if (typeof r.file !== 'string' || r.file === '') return `${what} has no file`;
  if (!Number.isInteger(r.start) || !Number.isInteger(r.end) || r.start < 0 || r.end < r.start) {
    return `${what} has an invalid range ${r.start}..${r.end} in ${r.file}`;
  }
  const t = a.fileText(r.file);
  const len = t === undefined ? 0 : t.length;
  if (r.end > len) return `${what} ends at ${r.end}, past the end (${len}) of ${r.file}`;
  return undefined;
}

/** Check the diagnostics of an analysis: no internal errors, every range (and related range) inside its file. */
export function checkDiagnostics(a: Analysis, diags: Diagnostic[] = a.diagnostics): Failure[] {
  const out: Failure[] = [];
  for (const d of diags) {
    if (d.code === 'internal-error') out.push({ kind: 'internal-error', where: 'diagnostics', message: d.message });
    const p = rangeProblem(a, d, `diagnostic ${d.code} "${d.message.slice(0, 80)}"`);
    if (p) out.push({ kind: 'bad-range', where: 'diagnostics', message: p });
    for (const r of d.related ?? []) {
      const q = rangeProblem(a, r, `related information of ${d.code}`);
      if (q) out.push({ kind: 'bad-range', where: 'diagnostics', message: q });
    }
    if (out.length > 5) break;
  }
  return out;
}

/** Run the editor features on `file` at `offsets`; every exception is a failure. */
export function exerciseFeatures(a: Analysis, file: string, offsets: number[], text: string): Failure[] {
  const out: Failure[] = [];
  const run = (name: string, fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (e) {
      out.push(fail(name, e));
      return undefined;
    }
  };
  run('getDocumentSymbols', () => F.getDocumentSymbols(a, file));
  run('getSemanticTokens', () => F.getSemanticTokens(a, file));
  run('getFoldingRanges', () => F.getFoldingRanges(text));
  run('getDocumentLinks', () => F.getDocumentLinks(a, file));
  run('getWorkspaceSymbols', () => F.getWorkspaceSymbols([a], 'a'));
  run('getSupplierGraphView', () => F.getSupplierGraphView(a));
  const fileDiags = a.diagnostics.filter((d) => d.file === file);
  for (const o of offsets) {
    run('getHover', () => F.getHover(a, file, o));
    run('getDefinition', () => F.getDefinition(a, file, o));
    run('getReferences', () => F.getReferences(a, file, o, true));
    run('getConsumerLocations', () => F.getConsumerLocations(a, file, o));
    run('getSupplierLocations', () => F.getSupplierLocations(a, file, o));
    run('getCompletions', () => F.getCompletions(a, file, o, text));
    run('prepareRename', () => F.prepareRename(a, file, o));
    run('getRenameEdits', () => getRenameEdits(a, file, o, 'fuzz_name'));
    run('getCodeActions', () => F.getCodeActions(a, file, o, Math.min(text.length, o + 10), fileDiags));
    const items = run('prepareCallHierarchy', () => F.prepareCallHierarchy(a, file, o)) as F.HierarchyItem[] | undefined;
    for (const it of items ?? []) {
      run('incomingCalls', () => F.incomingCalls(a, it));
      run('outgoingCalls', () => F.outgoingCalls(a, it));
    }
  }
  return out;
}

/** Offsets to probe: random ones, the ends, and past the end. */
export function probeOffsets(rng: Rng, length: number, n: number): number[] {
  const out = [0, length, length + 3];
  for (let k = 0; k < n; k++) out.push(rng.int(length + 1));
  return out;
}

/**
 * Analyse `root` (whose file system already shows the mutated text of `file`) and check everything.
 * `featureOffsets` are offsets in `file`.
 */
export function runOne(host: AnalysisHost, root: string, file: string, text: string, featureOffsets: number[]): OneResult {
  const t0 = performance.now();
  const failures: Failure[] = [];
  let a: Analysis | undefined;
  try {
    a = host.analyze(root);
  } catch (e) {
    failures.push(fail('analyze', e));
  }
  const analysisMs = performance.now() - t0;
  if (a) {
    failures.push(...checkDiagnostics(a));
    try {
      emitDts(a.tree);
    } catch (e) {
      failures.push(fail('emitDts', e));
    }
    failures.push(...exerciseFeatures(a, file, featureOffsets, text));
  }
  const ms = performance.now() - t0;
  if (ms > SLOW_MS) failures.push({ kind: 'slow', where: 'input', message: `took ${ms.toFixed(0)} ms (analysis ${analysisMs.toFixed(0)} ms)` });
  return { ms, analysisMs, diagnostics: a ? a.diagnostics.length : 0, failures };
}

/** A stable signature of a failure, to group repeats. */
export function signature(f: Failure): string {
  const frame = (f.stack ?? '').split('\n').find((l) => /server\/src\//.test(l))?.replace(/^\s*at\s+/, '').replace(/:\d+\)?$/, '') ?? '';
  const msg = f.message.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"').slice(0, 120);
  return `${f.kind}|${f.where}|${f.kind === 'slow' ? '' : msg}|${frame}`;
}
