// Source map of the preprocessor output: the output text is a sequence of
// segments, stored column-wise in plain number arrays (no per-character
// objects). Lookups are binary searches.
//
//  VERBATIM  output[out, out+len) == file[fs, fe)
//  MACRO     output produced by a macro invocation written at file[fs, fe)
//  ARG       a macro argument token copied from file[fs, fe) into an expansion
//  GAP       a placeholder for text that is not in the output (a comment): maps to file[fs, fe)
import type { FileRange } from '../base/diagnostics';
import type { MacroUse, SourceLocation, SourceMap } from './types';

export const SEG_VERBATIM = 0;
export const SEG_MACRO = 1;
export const SEG_ARG = 2;
export const SEG_GAP = 3;

export class Segments {
  out: number[] = [];
  file: number[] = [];
  fs: number[] = [];
  fe: number[] = [];
  kind: number[] = [];
  use: number[] = [];

  get length(): number { return this.out.length; }

  push(out: number, file: number, fs: number, fe: number, kind: number, use: number): void {
    const n = this.out.length;
    if (kind === SEG_VERBATIM && n > 0) {
      const last = n - 1;
      if (this.kind[last] === SEG_VERBATIM && this.file[last] === file && this.fe[last] === fs &&
          this.out[last] + (this.fe[last] - this.fs[last]) === out) {
        this.fe[last] = fe;
        return;
      }
    }
    this.out.push(out);
    this.file.push(file);
    this.fs.push(fs);
    this.fe.push(fe);
    this.kind.push(kind);
    this.use.push(use);
  }
}

interface FileRun { fs: number[]; fe: number[]; seg: number[] }

export class SourceMapImpl implements SourceMap {
  private fileIndex?: Map<number, FileRun[]>;
  constructor(
    private readonly textLength: number,
    private readonly files: string[],
    private readonly segs: Segments,
    private readonly uses: MacroUse[],
    private readonly rootFile: string,
  ) {}

  /**
   * One map for several outputs laid end to end (parts[k] starts at offsets[k] of the joined text): the
   * files of a stack preprocessed one by one (Linux overlays are compiled on their own).
   */
  static concat(parts: SourceMapImpl[], offsets: number[], textLength: number, rootFile: string): SourceMapImpl {
    const files: string[] = [];
    const fileIds = new Map<string, number>();
    const segs = new Segments();
    const uses: MacroUse[] = [];
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k];
      const fmap = p.files.map((f) => {
        let id = fileIds.get(f);
        if (id === undefined) { id = files.length; files.push(f); fileIds.set(f, id); }
        return id;
      });
      const ub = uses.length;
      const s = p.segs;
      for (let i = 0; i < s.out.length; i++) {
        segs.out.push(s.out[i] + offsets[k]);
        segs.file.push(fmap[s.file[i]]);
        segs.fs.push(s.fs[i]);
        segs.fe.push(s.fe[i]);
        segs.kind.push(s.kind[i]);
        segs.use.push(s.use[i] >= 0 ? s.use[i] + ub : -1);
      }
      for (const u of p.uses) uses.push(u);
    }
    return new SourceMapImpl(textLength, files, segs, uses, rootFile);
  }

  /** Index of the last segment whose output start is <= o, or -1. */
  private segAt(o: number): number {
    const out = this.segs.out;
    let lo = 0;
    let hi = out.length - 1;
    if (hi < 0 || out[0] > o) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (out[mid] <= o) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  private segOutEnd(i: number): number {
    const s = this.segs;
    if (s.kind[i] === SEG_VERBATIM) return s.out[i] + (s.fe[i] - s.fs[i]);
    return i + 1 < s.out.length ? s.out[i + 1] : this.textLength;
  }

  locate(o: number): SourceLocation {
    const s = this.segs;
    if (s.out.length === 0) return { file: this.rootFile, offset: 0 };
    o = Math.max(0, Math.min(o, this.textLength));
    let i = this.segAt(o);
    if (i < 0) i = 0;
    // skip empty segments that end exactly at o when a later segment starts there (segAt already picks the last)
    const file = this.files[s.file[i]];
    switch (s.kind[i]) {
      case SEG_VERBATIM:
      case SEG_ARG:
        return { file, offset: Math.min(s.fs[i] + (o - s.out[i]), s.fe[i]) };
      default:
        return { file, offset: s.fs[i] };
    }
  }

  /** Mapped file position of an exclusive end e (> 0): the character e-1 mapped, plus one. */
  private locateEnd(e: number): { i: number; file: number; offset: number } {
    const s = this.segs;
    const o = Math.max(0, Math.min(e - 1, this.textLength - 1));
    let i = this.segAt(o);
    if (i < 0) i = 0;
    // prefer a non-empty segment that contains o
    while (i > 0 && this.segOutEnd(i) <= o && s.out[i] === s.out[i - 1]) i--;
    switch (s.kind[i]) {
      case SEG_VERBATIM:
      case SEG_ARG:
        return { i, file: s.file[i], offset: Math.min(s.fs[i] + (o - s.out[i]) + 1, s.fe[i]) };
      default:
        return { i, file: s.file[i], offset: s.fe[i] };
    }
  }

  toFileRange(start: number, end: number): FileRange {
    const s = this.segs;
    if (s.out.length === 0) return { file: this.rootFile, start: 0, end: 0 };
    const a = this.locate(start);
    if (end <= start) return { file: a.file, start: a.offset, end: a.offset };
    const b = this.locateEnd(end);
    // a range inside one macro invocation that is not entirely argument text: the whole invocation
    const i1 = this.segAt(Math.max(0, Math.min(start, this.textLength)));
    if (i1 >= 0 && s.use[i1] >= 0 && s.use[i1] === s.use[b.i] && !(s.kind[i1] === SEG_ARG && s.kind[b.i] === SEG_ARG)) {
      const u = this.uses[s.use[i1]];
      if (u) return { file: u.range.file, start: u.range.start, end: u.range.end };
    }
    const af = this.files.indexOf(a.file);
    if (b.file === af && b.offset >= a.offset) return { file: a.file, start: a.offset, end: b.offset };
    // clip to start's file: the last segment of that file before end
    for (let i = b.i; i >= Math.max(i1, 0); i--) {
      if (s.file[i] !== af) continue;
      let off: number;
      if (s.kind[i] === SEG_VERBATIM || s.kind[i] === SEG_ARG) {
        const segEnd = this.segOutEnd(i);
        off = s.fs[i] + (Math.min(segEnd, end) - s.out[i]);
        off = Math.min(off, s.fe[i]);
      } else off = s.fe[i];
      if (off >= a.offset) return { file: a.file, start: a.offset, end: off };
      break;
    }
    return { file: a.file, start: a.offset, end: a.offset };
  }

  private buildFileIndex(): Map<number, FileRun[]> {
    const s = this.segs;
    const idx = new Map<number, FileRun[]>();
    let lastUse = -1;
    for (let i = 0; i < s.out.length; i++) {
      const k = s.kind[i];
      if (k === SEG_GAP) continue;
      let fs: number;
      let fe: number;
      if (k === SEG_MACRO || k === SEG_ARG) {
        const u = s.use[i];
        if (u === lastUse) continue;
        lastUse = u;
        const use = this.uses[u];
        if (!use) continue;
        fs = use.range.start;
        fe = use.range.end;
      } else {
        lastUse = -1;
        fs = s.fs[i];
        fe = s.fe[i];
      }
      const f = s.file[i];
      let runs = idx.get(f);
      if (!runs) { runs = []; idx.set(f, runs); }
      let run = runs[runs.length - 1];
      if (!run || run.fe[run.fe.length - 1] > fs) {
        run = { fs: [], fe: [], seg: [] };
        runs.push(run);
      }
      run.fs.push(fs);
      run.fe.push(fe);
      run.seg.push(i);
    }
    return idx;
  }

  fromFile(file: string, offset: number): number[] {
    const f = this.files.indexOf(file);
    if (f < 0) return [];
    if (!this.fileIndex) this.fileIndex = this.buildFileIndex();
    const runs = this.fileIndex.get(f);
    if (!runs) return [];
    const s = this.segs;
    const result: number[] = [];
    for (let runIndex = 0, runList = runs; runIndex < runList.length; runIndex++) {
      const run = runList[runIndex];
      // last entry with fs <= offset
      let lo = 0;
      let hi = run.fs.length - 1;
      if (run.fs[0] > offset) continue;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (run.fs[mid] <= offset) lo = mid; else hi = mid - 1;
      }
      // zero-length entries at the same start: prefer one that contains offset
      let j = lo;
      while (j >= 0 && run.fs[j] === run.fs[lo] && !(offset < run.fe[j] || (run.fs[j] === run.fe[j] && offset === run.fs[j]))) j--;
      if (j < 0 || run.fs[j] !== run.fs[lo]) continue;
      const i = run.seg[j];
      if (s.kind[i] === SEG_VERBATIM) {
        result.push(s.out[i] + (offset - s.fs[i]));
        continue;
      }
      // macro use: an argument token written at offset maps exactly, otherwise the start of the expansion
      const u = s.use[i];
      let found = -1;
      for (let m = i; m < s.out.length && s.use[m] === u; m++) {
        if (s.kind[m] === SEG_ARG && s.fs[m] <= offset && offset < s.fe[m]) { found = s.out[m] + (offset - s.fs[m]); break; }
      }
      result.push(found >= 0 ? found : s.out[i]);
    }
    return result;
  }

  outputRanges(file: string): number[] {
    const f = this.files.indexOf(file);
    const out: number[] = [];
    if (f < 0) return out;
    const s = this.segs;
    for (let i = 0; i < s.out.length; i++) {
      if (s.file[i] !== f) continue;
      // every o with segAt(o) === i: up to the next segment's start
      const a = s.out[i];
      const b = Math.max(a, i + 1 < s.out.length ? s.out[i + 1] : this.textLength + 1);
      const n = out.length;
      if (n > 0 && out[n - 1] >= a) out[n - 1] = Math.max(out[n - 1], b);
      else out.push(a, b);
    }
    return out;
  }

  macroAt(o: number): MacroUse | undefined {
    const s = this.segs;
    const i = this.segAt(Math.max(0, Math.min(o, this.textLength)));
    if (i < 0) return undefined;
    // a zero-length segment at o does not contain o
    if (s.kind[i] === SEG_VERBATIM || s.kind[i] === SEG_GAP) return undefined;
    if (o >= this.segOutEnd(i) && this.segOutEnd(i) > s.out[i]) return undefined;
    const u = s.use[i];
    return u >= 0 ? this.uses[u] : undefined;
  }
}
