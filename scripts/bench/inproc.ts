// The in-process (no server) part of the benchmark, run in a fresh child process per board so that
// "cold" really is the first analysis of a process:  node out/scripts/bench/inproc.js BOARD [EDITS]
// Prints one JSON line: cold analysis, then warm re-analyses after single-character edits of the
// board and of its largest .dtsi (through an OverlayFileSystem, as the server does), with stage times.
import * as nodeFs from 'node:fs';
import { AnalysisHost } from '../../server/src/analysis';
import { OverlayFileSystem } from '../../server/src/base/fs';
import { NodeFileSystem } from '../../server/src/base/node-fs';
import { prng } from './stats';

export interface InprocResult {
  board: string;
  files: number;
  outputChars: number;
  diagnostics: number;
  coldMs: number;
  secondMs: number;
  largestDtsi: string;
  editBoardMs: number[];
  editDtsiMs: number[];
  heapUsedMB: number;
  rssMB: number;
}

/** Insert a space after a whitespace character: keeps the file valid, every text new. */
export function spaceEdit(text: string, rnd: () => number): number {
  for (let tries = 0; tries < 1000; tries++) {
    const p = 1 + Math.floor(rnd() * (text.length - 1));
    const c = text.charCodeAt(p - 1);
    if (c === 32 || c === 9 || c === 10) return p;
  }
  return text.length;
}

export function runInproc(board: string, edits: number): InprocResult {
  const fs = new OverlayFileSystem(new NodeFileSystem());
  const host = new AnalysisHost(fs, {});
  let t = performance.now();
  const a = host.analyze(board);
  const coldMs = performance.now() - t;
  t = performance.now();
  host.analyze(board);
  const secondMs = performance.now() - t;
  let largestDtsi = '';
  let size = -1;
  for (const f of a.pp.files) {
    if (!f.endsWith('.dtsi')) continue;
    const s = nodeFs.statSync(f).size;
    if (s > size) { size = s; largestDtsi = f; }
  }
  const rnd = prng(42);
  const editOf = (file: string): number[] => {
    let text = nodeFs.readFileSync(file, 'utf8');
    const out: number[] = [];
    for (let i = 0; i < edits; i++) {
      const p = spaceEdit(text, rnd);
      text = text.slice(0, p) + ' ' + text.slice(p);
      fs.setOverlay(file, text);
      const t0 = performance.now();
      host.analyze(board);
      out.push(performance.now() - t0);
    }
    fs.clearOverlay(file);
    return out;
  };
  const editBoardMs = editOf(board);
  const editDtsiMs = largestDtsi ? editOf(largestDtsi) : [];
  const mem = process.memoryUsage();
  return {
    board,
    files: a.pp.files.length,
    outputChars: a.pp.text.length,
    diagnostics: a.diagnostics.length,
    coldMs,
    secondMs,
    largestDtsi,
    editBoardMs,
    editDtsiMs,
    heapUsedMB: mem.heapUsed / 2 ** 20,
    rssMB: mem.rss / 2 ** 20,
  };
}

if (require.main === module) {
  const board = process.argv[2];
  const edits = Number(process.argv[3] ?? 50);
  process.stdout.write(JSON.stringify(runInproc(board, edits)) + '\n');
}
