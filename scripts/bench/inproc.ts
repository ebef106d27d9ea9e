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

/** The benchmark's edits: alternately a space and a value change (see benchEdit). */
export type EditKind = 'space' | 'value';
export interface BenchEdit { p: number; remove: number; insert: string; kind: EditKind }

/**
 * Edit number i of a text: even i inserts a space after a whitespace character (no token changes), odd i
 * changes one digit of a number (a value: the property's cells change); both keep the file valid and make
 * every text new.
 */
export function benchEdit(text: string, rnd: () => number, i: number): BenchEdit {
  if (i % 2 === 1) {
    const v = digitEdit(text, rnd);
    if (v) return v;
  }
  return { p: spaceEdit(text, rnd), remove: 0, insert: ' ', kind: 'space' };
}

const isHexChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 120 || c === 88;

/** Is offset s inside `< ... >` (the last of '<', '>', ';', '{', '}' before it is a '<')? */
function inCells(text: string, s: number): boolean {
  for (let k = s - 1; k >= 0; k--) {
    const c = text.charCodeAt(k);
    if (c === 60) return true;
    if (c === 62 || c === 59 || c === 123 || c === 125) return false;
  }
  return false;
}

/**
 * A digit of a number written in a cell list (`<... 0x1000 ...>`, after a space, '<' or '('), not its
 * first character nor a digit before an 'x', replaced by the next one (modulo 8 in an octal number).
 */
function digitEdit(text: string, rnd: () => number): BenchEdit | undefined {
  const from = Math.floor(rnd() * text.length);
  // from a random place to the end, then from the start (the first such digit after it)
  for (let k = 0; k < text.length; k++) {
    {
      const q = (from + k) % text.length;
      const c = text.charCodeAt(q);
      if (c < 48 || c > 57) continue;
      let s = q;
      while (s > 0 && isHexChar(text.charCodeAt(s - 1))) s--;
      const first = text.charCodeAt(s);
      const before = text.charCodeAt(s - 1);
      if (first < 48 || first > 57 || !(before === 32 || before === 9 || before === 60 || before === 40) || !inCells(text, s)) continue;
      let e = q + 1;
      while (e < text.length && isHexChar(text.charCodeAt(e))) e++;
      if (q === s && e - s > 1) continue;
      const next = text.charCodeAt(q + 1);
      if (next === 120 || next === 88) continue;
      const hex = text.charCodeAt(s + 1) === 120 || text.charCodeAt(s + 1) === 88;
      const octal = first === 48 && !hex && e - s > 1;
      const d = c - 48;
      return { p: q, remove: 1, insert: String((d + 1) % (octal ? 8 : 10)), kind: 'value' };
    }
  }
  return undefined;
}

/** Insert a space after a whitespace character: keeps the file valid, every text new. */
function spaceEdit(text: string, rnd: () => number): number {
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
      const e = benchEdit(text, rnd, i);
      text = text.slice(0, e.p) + e.insert + text.slice(e.p + e.remove);
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
