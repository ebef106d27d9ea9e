// #include, #include_next, #import (searched like cpp: the including file's directory for "...", then the
// include paths) and dtc's /include/ (inserted raw, after cpp, relative to the including file first).
import type { FileRange } from '../base/diagnostics';
import { dirname, join, normalize } from '../base/paths';
import type { Resolution } from './cache';
import { blockCommentEnd, isHSpace, K, lineCommentEnd, quoteEnd, tokenize, type Tok } from './lexer';
import { LimitError } from './macros';
import { SEG_VERBATIM } from './sourcemap';
import { Expansion } from './expansion';
import { FileState, MAX_INCLUDE_DEPTH, type Frame } from './state';
import type { IncludeDirective } from './types';

/**
 * join(dir, spelled) remembered across runs: a keystroke's replay checks that every include of the context resolves
 * as before, and joining the candidates afresh made ~50 KB of strings per keystroke on a SoC board. Bounded.
 */
const joins = new Map<string, Map<string, string>>();
let joinCount = 0;
function joined(dir: string, spelled: string): string {
  let p = joins.get(dir)?.get(spelled);
  if (p !== undefined) return p;
  if (joinCount >= 20_000) { joins.clear(); joinCount = 0; }
  let m = joins.get(dir);
  if (!m) joins.set(dir, (m = new Map()));
  p = join(dir, spelled);
  m.set(spelled, p);
  joinCount++;
  return p;
}

export abstract class Includes extends Expansion {
  /** Preprocess a file's text into the output (scanner.ts). */
  protected abstract processFile(id: string, foundPath: string, text: string, foundIdx: number, depth: number, system: boolean): void;

  resolve(r: Omit<Resolution, 'found'>): string | undefined {
    const key = `${r.kind}\0${r.dir}\0${r.from}\0${r.spelled}`;
    if (this.resolveMemo.has(key)) return this.resolveMemo.get(key);
    let found: string | undefined;
    if (r.spelled.startsWith('/')) {
      const p = normalize(r.spelled);
      if (this.stat(p) !== 'missing') found = p;
    } else {
      const dirs: string[] = [];
      if (r.kind === 'quote' || r.kind === 'dtc') dirs.push(r.dir);
      for (let k = r.from; k < this.includePaths.length; k++) dirs.push(this.includePaths[k]);
      for (let dIndex = 0, dList = dirs; dIndex < dList.length; dIndex++) {
        const d = dList[dIndex];
        const p = joined(d, r.spelled);
        if (this.stat(p) !== 'missing') { found = p; break; }
      }
    }
    this.resolveMemo.set(key, found);
    return found;
  }

  protected doInclude(F: FileState, name: string, ne: number, end: number, dirRange: FileRange): void {
    const text = F.text;
    let j = ne;
    while (j < end && isHSpace(text.charCodeAt(j))) j++;
    let spelled: string | undefined;
    let kind: 'quote' | 'angle' = 'quote';
    let range: FileRange = dirRange;
    const c = text.charCodeAt(j);
    if (c === 34 || c === 60) {
      const close = text.indexOf(c === 34 ? '"' : '>', j + 1);
      if (close < 0 || close > end) {
        this.diag('preprocessor-error', 'error', `missing terminating ${c === 34 ? '"' : '>'} character in #${name}`, dirRange);
        return;
      }
      spelled = text.slice(j + 1, close);
      kind = c === 34 ? 'quote' : 'angle';
      range = { file: F.id, start: j + 1, end: close };
    } else {
      // #include MACRO
      const toks = tokenize(text, ne, end, 0);
      this.expander.begin();
      let ex: Tok[];
      try {
        ex = this.expander.expandList(toks);
      } catch (e) {
        if (e instanceof LimitError) { this.diag('resource-limit', 'error', e.message, dirRange); return; }
        throw e;
      }
      this.reportIssues(F, this.expander.issues, dirRange);
      if (ex.length && ex[0].k === K.String && ex[0].t.startsWith('"')) {
        spelled = ex[0].t.slice(1, -1);
      } else if (ex.length && ex[0].t === '<') {
        let s = '';
        let k = 1;
        for (; k < ex.length && ex[k].t !== '>'; k++) s += (k > 1 && ex[k].ws ? ' ' : '') + ex[k].t;
        if (k < ex.length) { spelled = s; kind = 'angle'; }
      }
      if (spelled === undefined) {
        this.diag('preprocessor-error', 'error', `#${name} expects "FILENAME" or <FILENAME>`, dirRange);
        return;
      }
      if (toks.length) range = { file: F.id, start: toks[0].pos, end: toks[toks.length - 1].pos + toks[toks.length - 1].t.length };
    }
    if (spelled.length === 0) {
      this.diag('preprocessor-error', 'error', `empty filename in #${name}`, range);
      return;
    }
    let from = 0;
    let rkind: Resolution['kind'] = kind;
    if (name === 'include_next') {
      rkind = 'next';
      from = F.foundIdx >= 0 ? F.foundIdx + 1 : 0;
      if (F.foundIdx < 0) rkind = kind;
    }
    this.includeFile(F, { dir: F.dir, spelled, kind: rkind, from }, kind, range, name === 'import');
  }

  /** Which include path directory a found path came from (-1: the including file's directory or absolute). */
  protected foundIndex(found: string, spelled: string): number {
    for (let k = 0; k < this.includePaths.length; k++) if (join(this.includePaths[k], spelled) === found) return k;
    return -1;
  }


  protected includeFile(F: FileState, req: Omit<Resolution, 'found'>, kind: 'quote' | 'angle' | 'dtc', range: FileRange, importOnce: boolean): void {
    if (this.checkCancel(range)) return;
    const found = this.resolve(req);
    this.recordResolution({ ...req, found });
    const inc: IncludeDirective = { file: F.id, range, spelled: req.spelled, kind, resolved: undefined };
    this.includes.push(inc);
    if (!found) {
      const where = kind === 'angle' ? 'on the include path' : kind === 'dtc' ? `relative to ${F.dir} or on the include path` : `in ${F.dir} or on the include path`;
      this.diag('include-not-found', 'error', `cannot find include file "${req.spelled}" ${where}`, range);
      return;
    }
    if (this.stat(found) === 'directory') {
      inc.resolved = found;
      this.diag('include-error', 'error', `"${req.spelled}" is a directory, not a file (${found})`, range);
      this.unsafe = true;
      return;
    }
    const id = this.real(found);
    inc.resolved = id;
    if (kind !== 'dtc') {
      if (this.once.has(id)) return;
      const g = this.guards.get(id);
      if (g !== undefined && this.lookup(g)) return;
    }
    if (this.stack.includes(id)) {
      const g = this.guardCandidates.get(id);
      if (kind !== 'dtc' && g !== undefined && this.lookup(g)) return; // a guarded re-inclusion produces nothing
      const chain = this.stack.slice(this.stack.indexOf(id)).map((p) => p.slice(p.lastIndexOf('/') + 1));
      this.diag('include-cycle', 'error', `include cycle: ${[...chain, id.slice(id.lastIndexOf('/') + 1)].join(' -> ')}`, range);
      for (const f of this.frames) f.poisoned = true;
      this.unsafe = true;
      return;
    }
    if (this.stack.length > MAX_INCLUDE_DEPTH) {
      this.stop(`#include nested more than ${MAX_INCLUDE_DEPTH} levels deep`, range);
      return;
    }
    const r = this.read(id);
    if (!r.ok) {
      this.unsafe = true;
      if (r.reason === 'not-found') this.diag('include-not-found', 'error', `cannot read include file "${req.spelled}": ${r.message}`, range);
      else this.diag('include-error', 'error', `cannot include "${req.spelled}": ${r.message}`, range);
      return;
    }
    this.recordRead(id, r.text);
    this.cache?.noteText(id, r.text);
    this.fileId(id);
    if (importOnce) this.once.add(id);
    if (kind === 'dtc') {
      this.stack.push(id);
      this.insertRaw(id, found, r.text, F.depth + 1);
      this.stack.pop();
      return;
    }
    const foundIdx = req.kind === 'quote' && join(req.dir, req.spelled) === found ? -1 : this.foundIndex(found, req.spelled);
    // cache
    if (this.cache) {
      const e = this.findCached(id, r.text);
      if (e) {
        this.cache.hits++;
        this.cache.touch(e);
        this.splice(e, id);
        return;
      }
      this.cache.misses++;
    }
    // a file being edited, or one that includes it, is processed without recording (nothing would be stored)
    const frame: Frame | undefined = this.cache && !this.cache.skipFrame(id) ? {
      path: id, text: r.text, consulted: new Map(), effects: new Map(),
      outPart: this.outParts.length, outLen: this.outLen, seg: this.segs.length, diag: this.diagnostics.length,
      inc: this.includes.length, use: this.uses.length, inact: this.inactive.length,
      filesRead: [], deps: [], resolutions: [], guards: [], poisoned: false,
    } : undefined;
    if (frame) this.frames.push(frame);
    this.mergeBarrier = this.segs.length;
    this.stack.push(id);
    try {
      this.processFile(id, found, r.text, foundIdx, F.depth + 1, foundIdx >= this.systemFrom || (foundIdx < 0 && F.system));
    } finally {
      this.stack.pop();
      if (frame) this.frames.pop();
    }
    this.mergeBarrier = this.segs.length;
    if (frame && !frame.poisoned && !this.stopped && !this.isVolatileFrame(frame)) this.store(frame);
  }

  // ------------------------------------------------------------------ dtc /include/

  /** A dtc /include/ "file" at text[i]. Returns the end of the directive, or -1 when it is not one. */
  protected dtcIncludeAt(F: FileState | undefined, text: string, i: number, dir: string, fi: number, id: string, depth: number): number {
    let j = i + 9;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === 10 || isHSpace(c)) j++; else break;
    }
    if (text.charCodeAt(j) !== 34) return -1;
    let k = j + 1;
    while (k < text.length) {
      const c = text.charCodeAt(k);
      if (c === 92) { k += 2; continue; }
      if (c === 34 || c === 10) break;
      k++;
    }
    if (text.charCodeAt(k) !== 34) return -1;
    if (F) this.flush(F, i);
    const spelled = text.slice(j + 1, k);
    const range: FileRange = { file: id, start: j + 1, end: k };
    const fake = F ?? new FileState(fi, id, dir, text, -1, depth);
    this.includeFile(fake, { dir, spelled, kind: 'dtc', from: 0 }, 'dtc', range, false);
    return k + 1;
  }

  /** Insert a file raw (dtc /include/): no directives, no macros; nested /include/ are followed. */
  protected insertRaw(id: string, found: string, text: string, depth: number): void {
    const fi = this.fileId(id);
    const dir = dirname(found);
    const n = text.length;
    let runStart = 0;
    let i = 0;
    while (i < n && !this.stopped) {
      const c = text.charCodeAt(i);
      if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 42) { const e = blockCommentEnd(text, i); i = e < 0 ? n : e; continue; }
        if (d === 47) { i = lineCommentEnd(text, i, n); continue; }
        if (d === 105 && text.startsWith('/include/', i)) {
          if (i > runStart) this.emitText(text.slice(runStart, i), fi, runStart, i, SEG_VERBATIM, -1);
          runStart = i;
          const e = this.dtcIncludeAt(undefined, text, i, dir, fi, id, depth);
          if (e >= 0) { i = e; runStart = e; continue; }
        }
      } else if (c === 34) { i = quoteEnd(text, i, n); continue; }
      i++;
    }
    if (runStart < n && !this.stopped) this.emitText(text.slice(runStart, n), fi, runStart, n, SEG_VERBATIM, -1);
    this.mergeBarrier = this.segs.length;
  }
}
