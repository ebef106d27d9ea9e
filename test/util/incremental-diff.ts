// Incremental = cold: an AnalysisHost that patches its trees (options.incremental, as the server runs it)
// against a fresh AnalysisHost per edit, over the same texts. Everything an analysis gives is compared:
// diagnostics, the tree (printed, and every position it holds), references, labels, the supplier graph.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnalysisHost, type Analysis, type AnalysisOptions } from '../../server/src/analysis';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { emitDts } from '../../server/src/tree/emit';
import { forEachTreeSpan } from '../../server/src/tree/spans';
import { nodePath } from '../../server/src/tree/types';

/** Every position the AST holds, in walk order (an AST moved in place must equal a fresh parse's). */
function astPositions(x: unknown, out: number[]): void {
  if (Array.isArray(x)) { for (const y of x) astPositions(y, out); return; }
  if (x === null || typeof x !== 'object') return;
  const o = x as Record<string, unknown>;
  for (const k of ['start', 'end', 'closeBrace']) if (typeof o[k] === 'number') out.push(o[k] as number);
  for (const k in o) if (typeof o[k] === 'object') astPositions(o[k], out);
}

/** A comparable summary of an analysis (positions are those of the preprocessed text, equal for equal texts). */
export function fingerprint(a: Analysis): string {
  const spans: number[] = [];
  forEachTreeSpan(a.tree, (s) => { spans.push(s.start, s.end); });
  const refs = a.tree.references.map((r) => `${r.ref.start}-${r.ref.end}>${r.target ? nodePath(r.target) : '?'}`);
  const labels = [...a.tree.labels].map(([k, v]) => `${k}@${v.span.start}:${nodePath(v.node)}${v.property ? '/' + v.property.name : ''}`);
  const edges = a.graph.edges.map((e) => `${nodePath(e.consumer)}>${nodePath(e.supplier)} ${e.binding}#${e.index} ${e.span.start}-${e.span.end} ${e.refSpan.start} ${e.args.map((c) => c.value).join(',')}`);
  const ast: number[] = [];
  astPositions(a.ast.statements, ast);
  return JSON.stringify({
    diagnostics: a.diagnostics,
    ast: ast.join(','),
    text: emitDts(a.tree),
    spans: spans.join(','),
    refs,
    labels,
    phandles: [...a.tree.phandles].map(([k, v]) => `${k}:${nodePath(v)}`),
    deleted: a.tree.deleted.map((d) => `${d.path}:${d.deletedBy.start}`),
    edges,
  });
}

export interface DiffRun {
  host: AnalysisHost;
  fs: OverlayFileSystem;
  /** analyse root with the current overlays, incrementally and fresh; returns the first difference or undefined */
  step(root: string): { incremental: Analysis; fresh: Analysis; diff?: string };
}

export function diffRun(options: AnalysisOptions = {}): DiffRun {
  const fs = new OverlayFileSystem(new NodeFileSystem());
  const host = new AnalysisHost(fs, { ...options, incremental: true });
  return {
    host,
    fs,
    step(root: string) {
      const incremental = host.analyze(root);
      const fresh = new AnalysisHost(fs, options).analyze(root);
      const a = fingerprint(incremental);
      const b = fingerprint(fresh);
      if (a === b) return { incremental, fresh };
      const x = JSON.parse(a) as Record<string, unknown>;
      const y = JSON.parse(b) as Record<string, unknown>;
      const key = Object.keys(x).find((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]))!;
      const xs = JSON.stringify(x[key]);
      const ys = JSON.stringify(y[key]);
      let i = 0;
      while (i < xs.length && xs[i] === ys[i]) i++;
      return { incremental, fresh, diff: `${key} differs at ${i}: incremental …${xs.slice(Math.max(0, i - 80), i + 120)}… fresh …${ys.slice(Math.max(0, i - 80), i + 120)}…` };
    },
  };
}

/**
 * Edits of one board's text, each a replacement of `from` (which must be there) by `to`, stepped through `run`: the
 * incremental result must equal the fresh one. Returns the result and the incremental statistics around it.
 */
export function boardEdits(run: DiffRun, board: string, text: string) {
  let now = text;
  return (from: string, to: string) => {
    assert.ok(now.includes(from), from);
    now = now.replace(from, to);
    run.fs.setOverlay(board, now);
    const before = run.host.incrementalStats;
    const r = run.step(board);
    assert.equal(r.diff, undefined, `${from} -> ${to}: ${r.diff}`);
    return { r, before, after: run.host.incrementalStats };
  };
}

/**
 * A board of its own (`text`, in a fresh temporary directory) analysed by a diffRun (`options`: no include path
 * detection by default), its first analysis equal to a fresh one; `edit` as boardEdits.
 */
export function diffBoard(text: string, options: AnalysisOptions = { autoDetectIncludePaths: false }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dts-board-'));
  const board = path.join(dir, 'board.dts');
  fs.writeFileSync(board, text);
  const run = diffRun(options);
  const first = run.step(board);
  assert.equal(first.diff, undefined);
  return { run, board, first, edit: boardEdits(run, board, text) };
}
