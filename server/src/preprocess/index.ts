// The C preprocessor stage, in the mode the kernel and Zephyr use for .dts:
//   cpp -nostdinc -undef -D__DTS__ -x assembler-with-cpp
// plus dtc's /include/ (inserted raw, as dtc does after cpp). Produces one
// output text, a segment source map back to the files the user wrote, and
// diagnostics. Never throws; all file access goes through options.fs.
import type { Diagnostic, FileRange, Severity } from '../base/diagnostics';
import type { FileSystem, ReadResult } from '../base/fs';
import { dirname, join, normalize } from '../base/paths';
import { PreprocessCacheImpl, type CacheEntry, type Resolution } from './cache';
import { evaluate } from './expr';
import { definitionsOf, MAX_OUTPUT, reprocessEdit, type IncrementalHost, type RunRecord } from './incremental';
import {
  blockCommentEnd, DIRECTIVES, identEnd, isDigit, isHSpace, isIdStart, K, lineCommentEnd, numberEnd, quoteEnd,
  tokenAt, tokenBefore, tokenize, wouldPaste, type Tok,
} from './lexer';
import { Expander, FileReader, LimitError, parseDefine, sameDefinition, type ExpandHost, type ExpandIssue, type Macro } from './macros';
import { SEG_ARG, SEG_GAP, SEG_MACRO, SEG_VERBATIM, Segments, SourceMapImpl } from './sourcemap';
import type { IncludeDirective, MacroDefinition, MacroUse, PreprocessCache, PreprocessOptions, PreprocessResult } from './types';

export type { PreprocessCacheImpl } from './cache';

/** Create the cache shared across runs; `hits`, `misses` and `stats` are exposed for tests and benchmarks. */
export function createPreprocessCache(): PreprocessCacheImpl {
  return new PreprocessCacheImpl();
}

export function preprocess(rootFile: string, options: PreprocessOptions): PreprocessResult {
  const run = new Run(options);
  return run.incremental(rootFile) ?? run.run(rootFile);
}

const MAX_INCLUDE_DEPTH = 200;
/** marks a name the file wrote before it read it */
const WRITTEN = '\u0000written';

const CONDITIONALS = new Set(['if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef', 'else', 'endif']);

interface Frame {
  path: string;
  text: string;
  /** name -> signature (or null = undefined) at the first lookup; WRITTEN when the file defined/undefined it first */
  consulted: Map<string, string | null>;
  effects: Map<string, Macro | null>;
  outPart: number;
  outLen: number;
  seg: number;
  diag: number;
  inc: number;
  use: number;
  inact: number;
  filesRead: string[];
  deps: { path: string; text: string }[];
  resolutions: Resolution[];
  /** include guards learned inside the frame */
  guards: [string, string][];
  poisoned: boolean;
}

interface Cond {
  /** '#' of the opening directive, end of its name */
  start: number;
  nameEnd: number;
  name: string;
  parentActive: boolean;
  /** some branch was taken */
  taken: boolean;
  /** the current branch is active */
  cur: boolean;
  sawElse: boolean;
  guard?: string;
}

/** State of one file being scanned. */
class FileState {
  conds: Cond[] = [];
  active = true;
  runStart = 0;
  inactiveStart = -1;
  sawAnything = false;
  guardCandidate: string | undefined;
  guardClosed = false;
  guardBroken = false;
  lineStarts: number[] | undefined;
  constructor(
    readonly fi: number,
    readonly id: string,
    readonly dir: string,
    readonly text: string,
    readonly foundIdx: number,
    readonly depth: number,
  ) {}
  lineOf(pos: number): number {
    if (!this.lineStarts) {
      const ls = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) ls.push(i + 1);
      this.lineStarts = ls;
    }
    const ls = this.lineStarts;
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid] <= pos) lo = mid; else hi = mid - 1;
    }
    return lo + 1;
  }
}

class Run implements ExpandHost, IncrementalHost {
  private readonly fs: FileSystem;
  private readonly includePaths: string[];
  private readonly ipKey: string;
  private readonly cache: PreprocessCacheImpl | undefined;
  private readonly isCancelled: (() => boolean) | undefined;

  private readonly macros = new Map<string, Macro>();
  private readonly outParts: string[] = [];
  private outLen = 0;
  private readonly segs = new Segments();
  private mergeBarrier = 0;
  private readonly files: string[] = [];
  private readonly fileIds = new Map<string, number>();
  private readonly diagnostics: Diagnostic[] = [];
  private readonly includes: IncludeDirective[] = [];
  private readonly uses: MacroUse[] = [];
  private readonly inactive: FileRange[] = [];
  private readonly frames: Frame[] = [];
  private readonly stack: string[] = [];
  private readonly readMemo = new Map<string, ReadResult>();
  private readonly resolveMemo = new Map<string, string | undefined>();
  private readonly statMemo = new Map<string, string>();
  private readonly realMemo = new Map<string, string>();
  private readonly guards = new Map<string, string>();
  private readonly guardCandidates = new Map<string, string>();
  private readonly once = new Set<string>();
  private readonly expander: Expander;
  private stopped = false;
  /** the run met something an incremental run does not replay (a failed read, an include cycle) */
  private unsafe = false;
  // for the next keystroke's incremental run (see incremental.ts)
  private readonly copies = new Map<string, number>();
  private readonly everDefined = new Set<string>();
  private readonly functionLike = new Set<string>();
  private readonly allResolutions: RunRecord['resolutions'] = [];
  private usedLine = false;
  private tick = 0;
  private cur: FileState | undefined;
  private curInvocation = 0;

  private readonly key: string;

  constructor(options: PreprocessOptions) {
    this.fs = options.fs;
    this.includePaths = options.includePaths.map((p) => normalize(p));
    this.ipKey = this.includePaths.join('\0');
    const c = options.cache as PreprocessCacheImpl | undefined;
    this.cache = c && c instanceof PreprocessCacheImpl ? c : undefined;
    this.cache?.beginRun();
    this.isCancelled = options.isCancelled;
    this.expander = new Expander(this);
    const builtin = (name: string, kind: 'file' | 'line'): Macro => ({
      name, params: null, variadic: false, body: [], builtin: kind, sig: `builtin:${name}`,
      def: { name, body: kind === 'file' ? '<current file>' : '<current line>' },
    });
    this.macros.set('__FILE__', builtin('__FILE__', 'file'));
    this.macros.set('__LINE__', builtin('__LINE__', 'line'));
    this.predefined = options.defines ?? {};
    this.key = this.ipKey + '\u0001' + JSON.stringify(this.predefined);
  }
  private readonly predefined: Record<string, string>;

  // ------------------------------------------------------------------ entry

  /** The result by replaying the last run of this root with one verbatim edit (incremental.ts), if possible. */
  incremental(rootFile: string): PreprocessResult | undefined {
    const cache = this.cache;
    if (!cache) return undefined;
    const root = normalize(rootFile);
    const record = cache.record(root);
    if (!record || record.key !== this.key) return undefined;
    const r = reprocessEdit(record, this);
    if (!r) return undefined;
    if (r.changed !== root) cache.noteText(r.changed, r.record.texts.get(r.changed)!);
    cache.setRecord(root, r.record);
    cache.incremental++;
    return r.result;
  }

  run(rootFile: string): PreprocessResult {
    const root = normalize(rootFile);
    for (const [name, value] of Object.entries(this.predefined)) {
      const toks = tokenize(`${name} ${value}`, 0, name.length + 1 + value.length, -1);
      if (toks.length === 0 || toks[0].t !== name) {
        this.diag('macro-error', 'error', `invalid predefined macro name "${name}"`, { file: root, start: 0, end: 0 });
        continue;
      }
      const m = parseDefine(toks, undefined);
      if ('message' in m) {
        this.diag('macro-error', 'error', `invalid predefined macro ${name}: ${m.message}`, { file: root, start: 0, end: 0 });
        continue;
      }
      this.macros.set(name, m);
    }
    this.macros.forEach((m, name) => this.noteDefined(name, m));
    const r = this.read(root);
    this.fileId(root);
    if (!r.ok) {
      this.unsafe = true;
      this.diag(r.reason === 'not-found' ? 'include-not-found' : 'include-error', 'error', r.message, { file: root, start: 0, end: 0 });
    } else {
      this.copied(root);
      this.stack.push(this.real(root));
      this.processFile(root, root, r.text, -1, 0);
      this.stack.pop();
    }
    const text = this.outParts.join('');
    const macros = definitionsOf(this.macros);
    const result: PreprocessResult = {
      root,
      text,
      map: new SourceMapImpl(text.length, this.files, this.segs, this.uses, root),
      diagnostics: this.diagnostics,
      includes: this.includes,
      files: this.files,
      get macros(): Map<string, MacroDefinition> { return macros(); },
      macroUses: this.uses,
      inactiveRanges: this.inactive,
    };
    if (this.cache) {
      if (this.stopped || this.unsafe) this.cache.setRecord(root, undefined);
      else {
        const texts = new Map<string, string>();
        this.readMemo.forEach((rr, path) => { if (rr.ok) texts.set(path, rr.text); });
        this.cache.setRecord(root, {
          key: this.key, result, segs: this.segs, texts, resolutions: this.allResolutions,
          copies: this.copies, everDefined: this.everDefined, functionLike: this.functionLike, usedLine: this.usedLine,
          table: this.macros,
        });
      }
    }
    return result;
  }

  // ------------------------------------------------------------------ helpers

  private diag(code: string, severity: Severity, message: string, range: FileRange): void {
    this.diagnostics.push({ file: range.file, start: range.start, end: range.end, severity, code, message });
  }

  private stop(message: string, range: FileRange): void {
    if (this.stopped) return;
    this.stopped = true;
    this.diag('resource-limit', 'error', message, range);
    for (const f of this.frames) f.poisoned = true;
  }

  private checkCancel(range: FileRange): boolean {
    if (this.stopped) return true;
    if (this.isCancelled && this.isCancelled()) {
      this.stop('preprocessing was cancelled', range);
      return true;
    }
    return false;
  }

  /** `name` is a macro now: the replay of the next keystroke must not touch it (see incremental.ts). */
  private noteDefined(name: string, m: Macro): void {
    this.everDefined.add(name);
    if (m.params) this.functionLike.add(name);
  }

  private copied(path: string): void {
    this.copies.set(path, (this.copies.get(path) ?? 0) + 1);
  }

  private fileId(path: string): number {
    let id = this.fileIds.get(path);
    if (id === undefined) {
      id = this.files.length;
      this.files.push(path);
      this.fileIds.set(path, id);
    }
    return id;
  }

  read(path: string): ReadResult {
    let r = this.readMemo.get(path);
    if (!r) {
      r = this.fs.readFile(path);
      // cpp accepts LF, CR LF and a lone CR as line ends: a lone CR becomes LF (same length, offsets unchanged)
      if (r.ok && r.text.indexOf('\r') >= 0) r = { ok: true, text: r.text.replace(/\r(?!\n)/g, '\n') };
      this.readMemo.set(path, r);
    }
    return r;
  }

  private stat(path: string): string {
    let s = this.statMemo.get(path);
    if (s === undefined) {
      s = this.fs.stat(path);
      this.statMemo.set(path, s);
    }
    return s;
  }

  real(path: string): string {
    let r = this.realMemo.get(path);
    if (r === undefined) {
      r = this.fs.realpath(path) ?? path;
      this.realMemo.set(path, r);
    }
    return r;
  }

  /** Macro lookup; records the consultation in every recording frame that has not seen the name. */
  lookup(name: string): Macro | undefined {
    const m = this.macros.get(name);
    const fr = this.frames;
    for (let i = fr.length - 1; i >= 0; i--) {
      const c = fr[i].consulted;
      if (c.has(name)) break;
      c.set(name, m ? m.sig : null);
    }
    return m;
  }

  private recordConsulted(name: string, sig: string | null): void {
    const fr = this.frames;
    for (let i = fr.length - 1; i >= 0; i--) {
      const c = fr[i].consulted;
      if (c.has(name)) break;
      c.set(name, sig);
    }
  }

  private setMacro(name: string, m: Macro | null): void {
    if (m) {
      this.macros.set(name, m);
      this.noteDefined(name, m);
    } else this.macros.delete(name);
    for (let fIndex = 0, fList = this.frames; fIndex < fList.length; fIndex++) {
      const f = fList[fIndex];
      if (!f.consulted.has(name)) f.consulted.set(name, WRITTEN);
      f.effects.set(name, m);
    }
  }

  builtin(kind: 'file' | 'line', pos: number): Tok {
    const f = this.cur;
    if (kind === 'file') return { t: JSON.stringify(f ? f.id : ''), k: K.String, ws: false, pos: -1, hs: null };
    this.usedLine = true;
    const line = f ? f.lineOf(pos >= 0 ? pos : this.curInvocation) : 0;
    return { t: String(line), k: K.Number, ws: false, pos: -1, hs: null };
  }

  // ------------------------------------------------------------------ output

  private emitText(s: string, fi: number, fs: number, fe: number, kind: number, use: number): void {
    if (this.stopped) return;
    if (kind === SEG_VERBATIM && this.segs.length > this.mergeBarrier) this.segs.push(this.outLen, fi, fs, fe, kind, use);
    else if (kind === SEG_VERBATIM) this.pushSegNoMerge(fi, fs, fe, kind, use);
    else this.pushSegNoMerge(fi, fs, fe, kind, use);
    this.outParts.push(s);
    this.outLen += s.length;
    if (this.outLen > MAX_OUTPUT) this.stop(`preprocessed output exceeds ${MAX_OUTPUT} bytes`, { file: this.files[fi], start: fs, end: fe });
  }

  private pushSegNoMerge(fi: number, fs: number, fe: number, kind: number, use: number): void {
    const s = this.segs;
    s.out.push(this.outLen);
    s.file.push(fi);
    s.fs.push(fs);
    s.fe.push(fe);
    s.kind.push(kind);
    s.use.push(use);
  }

  private flush(F: FileState, to: number): void {
    if (F.active && to > F.runStart) this.emitText(F.text.slice(F.runStart, to), F.fi, F.runStart, to, SEG_VERBATIM, -1);
    F.runStart = to;
  }

  private lastOutputText(): string {
    for (let i = this.outParts.length - 1; i >= 0; i--) if (this.outParts[i].length) return this.outParts[i];
    return '';
  }

  // ------------------------------------------------------------------ the scanner

  private processFile(id: string, foundPath: string, text: string, foundIdx: number, depth: number): void {
    const F = new FileState(this.fileId(id), id, dirname(foundPath), text, foundIdx, depth);
    const saved = this.cur;
    this.cur = F;
    try {
      this.scan(F);
    } finally {
      this.cur = saved;
    }
  }

  private scan(F: FileState): void {
    const text = F.text;
    const n = text.length;
    let i = 0;
    let bol = true;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        bol = true;
        if ((++this.tick & 1023) === 0 && this.checkCancel({ file: F.id, start: i, end: i })) break;
        if (this.stopped) break;
        continue;
      }
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) { i++; continue; }
      if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 42) {
          let e = blockCommentEnd(text, i);
          if (e < 0) {
            this.diag('preprocessor-error', 'error', 'unterminated comment', { file: F.id, start: i, end: i + 2 });
            e = n;
          }
          if (F.active) {
            this.flush(F, i);
            const nl = text.indexOf('\n', i);
            this.emitText(nl >= 0 && nl < e ? '\n' : ' ', F.fi, i, e, SEG_GAP, -1);
            F.runStart = e;
          }
          i = e;
          continue;
        }
        if (d === 47) {
          const e = lineCommentEnd(text, i, n);
          if (F.active) { this.flush(F, i); F.runStart = e; }
          i = e;
          continue;
        }
      }
      if (c === 92) {
        const d = text.charCodeAt(i + 1);
        if (d === 10 || (d === 13 && text.charCodeAt(i + 2) === 10)) {
          const e = i + (d === 10 ? 2 : 3);
          if (F.active) { this.flush(F, i); F.runStart = e; }
          i = e;
          continue;
        }
      }
      if (bol && c === 35) {
        bol = false;
        const e = this.directive(F, i);
        if (e >= 0) {
          i = e;
          F.runStart = e;
          if (this.stopped) break;
          continue;
        }
      }
      bol = false;
      if (F.guardClosed) F.guardBroken = true;
      F.sawAnything = true;
      if (!F.active) {
        if (isIdStart(c)) i = identEnd(text, i + 1, n);
        else if (c === 34 || c === 39) i = quoteEnd(text, i, n);
        else if (isDigit(c)) i = numberEnd(text, i, n);
        else i++;
        continue;
      }
      if (isIdStart(c)) {
        const e = identEnd(text, i + 1, n);
        const m = this.lookup(text.slice(i, e));
        if (m) {
          const r = this.expandAt(F, i, e, m);
          if (r >= 0) { i = r; continue; }
        }
        i = e;
        continue;
      }
      if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) { i = numberEnd(text, i, n); continue; }
      if (c === 34 || c === 39) { i = quoteEnd(text, i, n); continue; }
      if (c === 47 && text.charCodeAt(i + 1) === 105 && text.startsWith('/include/', i)) {
        const r = this.dtcIncludeAt(F, text, i, F.dir, F.fi, F.id, F.depth);
        if (r >= 0) { i = r; F.runStart = r; continue; }
      }
      i++;
    }
    if (!this.stopped) this.flush(F, n);
    // unterminated conditionals
    if (F.conds.length) {
      if (!F.active && F.inactiveStart >= 0 && F.inactiveStart < n) this.inactive.push({ file: F.id, start: F.inactiveStart, end: n });
      for (const cd of F.conds) {
        this.diag('preprocessor-error', 'error', `unterminated #${cd.name}`, { file: F.id, start: cd.start, end: cd.nameEnd });
      }
    }
    if (F.guardCandidate && F.guardClosed && !F.guardBroken) this.learnGuard(F.id, F.guardCandidate);
  }

  private learnGuard(id: string, guard: string): void {
    this.guards.set(id, guard);
    for (let fIndex = 0, fList = this.frames; fIndex < fList.length; fIndex++) { const f = fList[fIndex]; f.guards.push([id, guard]); }
  }

  /** End of the logical line of a directive starting at i (the '\n' or the end of text). */
  private logicalLineEnd(F: FileState, i: number): number {
    const text = F.text;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        let k = i - 1;
        if (k >= 0 && text.charCodeAt(k) === 13) k--;
        if (k >= 0 && text.charCodeAt(k) === 92) { i++; continue; }
        return i;
      }
      if (c === 47) {
        const d = text.charCodeAt(i + 1);
        if (d === 42) {
          const e = blockCommentEnd(text, i);
          if (e < 0) { this.diag('preprocessor-error', 'error', 'unterminated comment', { file: F.id, start: i, end: i + 2 }); return n; }
          i = e;
          continue;
        }
        if (d === 47) { i = lineCommentEnd(text, i, n); continue; }
      }
      if (c === 34 || c === 39) { i = quoteEnd(text, i, n); continue; }
      i++;
    }
    return n;
  }

  private lineStart(text: string, i: number): number {
    const nl = text.lastIndexOf('\n', i - 1);
    return nl + 1;
  }

  /** Handle a directive whose '#' is at i. Returns the end of the directive line, or -1 when the line is not a directive. */
  private directive(F: FileState, i: number): number {
    const text = F.text;
    const n = text.length;
    let j = i + 1;
    while (j < n && isHSpace(text.charCodeAt(j))) j++;
    const c = text.charCodeAt(j);
    if (j >= n || c === 10) {
      // null directive
      if (F.active) this.flush(F, i);
      this.noteDirective(F);
      return j;
    }
    if (isDigit(c)) {
      // line marker (# 12 "file"): accepted and ignored
      const end = this.logicalLineEnd(F, j);
      if (F.active) this.flush(F, i);
      this.noteDirective(F);
      return end;
    }
    if (!isIdStart(c)) return -1;
    const ne = identEnd(text, j + 1, n);
    const name = text.slice(j, ne);
    if (!DIRECTIVES.has(name)) return -1;
    const end = this.logicalLineEnd(F, ne);
    if (!F.active && !CONDITIONALS.has(name)) return end;
    if (F.active) this.flush(F, i);
    const wasFirst = !F.sawAnything;
    this.noteDirective(F);
    let dend = end;
    while (dend > ne && isHSpace(text.charCodeAt(dend - 1))) dend--;
    const dirRange: FileRange = { file: F.id, start: i, end: dend };
    const kwRange: FileRange = { file: F.id, start: i, end: ne };
    switch (name) {
      case 'define': this.doDefine(F, ne, end, dirRange); break;
      case 'undef': {
        const toks = tokenize(text, ne, end, 0);
        if (!toks.length || toks[0].k !== K.Ident) {
          this.diag('macro-error', 'error', toks.length ? 'macro names must be identifiers' : 'no macro name given in #undef directive', toks.length ? this.tokRange(F, toks[0]) : kwRange);
          break;
        }
        this.lookup(toks[0].t);
        this.setMacro(toks[0].t, null);
        break;
      }
      case 'include': case 'include_next': case 'import':
        this.doInclude(F, name, ne, end, dirRange);
        break;
      case 'if': case 'ifdef': case 'ifndef':
        this.doIf(F, name, i, ne, end, dirRange, wasFirst);
        break;
      case 'elif': case 'elifdef': case 'elifndef': case 'else':
        this.doElse(F, name, i, ne, end, dirRange);
        break;
      case 'endif': {
        const cd = F.conds.pop();
        if (!cd) {
          this.diag('preprocessor-error', 'error', '#endif without #if', kwRange);
          break;
        }
        if (cd.guard !== undefined) F.guardClosed = true;
        this.setActive(F, i, end);
        break;
      }
      case 'error':
      case 'warning': {
        const msg = text.slice(ne, dend).replace(/\\\r?\n/g, ' ').trim();
        this.diag(name === 'error' ? 'preprocessor-error' : 'preprocessor-warning', name === 'error' ? 'error' : 'warning', `#${name}${msg ? ' ' + msg : ''}`, dirRange);
        break;
      }
      case 'pragma': {
        const toks = tokenize(text, ne, end, 0);
        if (toks.length === 1 && toks[0].t === 'once') this.once.add(F.id);
        break;
      }
      default:
        // line, ident, sccs, assert, unassert: accepted and ignored
        break;
    }
    return end;
  }

  private noteDirective(F: FileState): void {
    if (F.guardClosed) F.guardBroken = true;
    F.sawAnything = true;
  }

  private tokRange(F: FileState, t: Tok): FileRange {
    return { file: F.id, start: t.pos, end: t.pos + t.t.length };
  }

  // ------------------------------------------------------------------ conditionals

  private setActive(F: FileState, dirStart: number, dirEnd: number): void {
    const top = F.conds[F.conds.length - 1];
    const now = top ? top.parentActive && top.cur : true;
    if (now === F.active) return;
    if (!now) {
      F.inactiveStart = dirEnd < F.text.length ? dirEnd + 1 : dirEnd;
    } else {
      const ls = this.lineStart(F.text, dirStart);
      if (F.inactiveStart >= 0 && ls > F.inactiveStart) this.inactive.push({ file: F.id, start: F.inactiveStart, end: ls });
      F.inactiveStart = -1;
    }
    F.active = now;
  }

  private definedOp(F: FileState, toks: Tok[]): Tok[] | { error: string; tok: Tok } {
    let out: Tok[] | null = null;
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k];
      if (t.k === K.Ident && t.t === 'defined') {
        if (!out) out = toks.slice(0, k);
        let nameTok = toks[k + 1];
        let last = k + 1;
        if (nameTok && nameTok.t === '(') {
          nameTok = toks[k + 2];
          if (toks[k + 3]?.t !== ')') return { error: `missing ')' after "defined"`, tok: toks[k + 3] ?? t };
          last = k + 3;
        }
        if (!nameTok || nameTok.k !== K.Ident) return { error: `operator "defined" requires an identifier`, tok: nameTok ?? t };
        const d = this.lookup(nameTok.t) !== undefined;
        out.push({ t: d ? '1' : '0', k: K.Number, ws: t.ws, pos: -1, hs: null });
        k = last;
        continue;
      }
      if (out) out.push(t);
    }
    return out ?? toks;
  }

  private evalIf(F: FileState, ne: number, end: number, dirRange: FileRange): boolean {
    const toks = tokenize(F.text, ne, end, 0);
    const d1 = this.definedOp(F, toks);
    if ('error' in d1) {
      this.diag('preprocessor-error', 'error', d1.error, d1.tok.pos >= 0 ? this.tokRange(F, d1.tok) : dirRange);
      return false;
    }
    this.expander.begin();
    let expanded: Tok[];
    try {
      expanded = this.expander.expandList(d1);
    } catch (e) {
      if (e instanceof LimitError) { this.diag('resource-limit', 'error', e.message, dirRange); return false; }
      throw e;
    }
    this.reportIssues(F, this.expander.issues, dirRange);
    const d2 = this.definedOp(F, expanded);
    if ('error' in d2) {
      this.diag('preprocessor-error', 'error', d2.error, d2.tok.pos >= 0 ? this.tokRange(F, d2.tok) : dirRange);
      return false;
    }
    if (d2.length === 0) {
      this.diag('preprocessor-error', 'error', '#if with no expression', dirRange);
      return false;
    }
    const r = evaluate(d2);
    if (r.error) {
      const t = r.error.tok;
      this.diag('preprocessor-error', 'error', r.error.message, t && t.pos >= 0 ? this.tokRange(F, t) : dirRange);
      return false;
    }
    return r.value;
  }

  private ifdefName(F: FileState, ne: number, end: number, name: string, kwRange: FileRange): string | undefined {
    const toks = tokenize(F.text, ne, end, 0);
    if (!toks.length) {
      this.diag('preprocessor-error', 'error', `no macro name given in #${name} directive`, kwRange);
      return undefined;
    }
    if (toks[0].k !== K.Ident) {
      this.diag('preprocessor-error', 'error', `macro names must be identifiers`, this.tokRange(F, toks[0]));
      return undefined;
    }
    return toks[0].t;
  }

  private doIf(F: FileState, name: string, i: number, ne: number, end: number, dirRange: FileRange, wasFirst: boolean): void {
    const cd: Cond = { start: i, nameEnd: ne, name, parentActive: F.active, taken: true, cur: false, sawElse: false };
    if (F.active) {
      let v = false;
      if (name === 'if') v = this.evalIf(F, ne, end, dirRange);
      else {
        const m = this.ifdefName(F, ne, end, name, { file: F.id, start: i, end: ne });
        if (m !== undefined) {
          const def = this.lookup(m) !== undefined;
          v = name === 'ifdef' ? def : !def;
          if (name === 'ifndef' && wasFirst && F.conds.length === 0) {
            cd.guard = m;
            F.guardCandidate = m;
            this.guardCandidates.set(F.id, m);
          }
        }
      }
      cd.taken = v;
      cd.cur = v;
    }
    F.conds.push(cd);
    this.setActive(F, i, end);
  }

  private doElse(F: FileState, name: string, i: number, ne: number, end: number, dirRange: FileRange): void {
    const kwRange = { file: F.id, start: i, end: ne };
    const cd = F.conds[F.conds.length - 1];
    if (!cd) {
      this.diag('preprocessor-error', 'error', `#${name} without #if`, kwRange);
      return;
    }
    if (cd.sawElse) {
      this.diag('preprocessor-error', 'error', `#${name} after #else`, kwRange);
      // keep the group skipped
      cd.cur = false;
      this.setActive(F, i, end);
      return;
    }
    if (name === 'else') {
      cd.sawElse = true;
      cd.cur = cd.parentActive && !cd.taken;
      cd.taken = true;
    } else if (!cd.parentActive || cd.taken) {
      cd.cur = false;
    } else {
      let v = false;
      if (name === 'elif') v = this.evalIf(F, ne, end, dirRange);
      else {
        const m = this.ifdefName(F, ne, end, name, kwRange);
        if (m !== undefined) {
          const def = this.lookup(m) !== undefined;
          v = name === 'elifdef' ? def : !def;
        }
      }
      cd.cur = v;
      cd.taken = v;
    }
    if (cd.guard !== undefined) { cd.guard = undefined; F.guardCandidate = undefined; this.guardCandidates.delete(F.id); }
    this.setActive(F, i, end);
  }

  // ------------------------------------------------------------------ #define

  private doDefine(F: FileState, ne: number, end: number, dirRange: FileRange): void {
    const toks = tokenize(F.text, ne, end, 0);
    if (!toks.length) {
      this.diag('macro-error', 'error', 'no macro name given in #define directive', dirRange);
      return;
    }
    const nameTok = toks[0];
    const loc: FileRange = { file: F.id, start: nameTok.pos, end: nameTok.pos + nameTok.t.length };
    const m = parseDefine(toks, loc);
    if ('message' in m) {
      this.diag('macro-error', 'error', m.message, m.pos >= 0 ? { file: F.id, start: m.pos, end: m.end } : dirRange);
      return;
    }
    const old = this.lookup(m.name);
    if (old && !sameDefinition(old, m)) {
      const d: Diagnostic = {
        ...loc, severity: 'warning', code: 'macro-error',
        message: old.builtin ? `redefining builtin macro "${m.name}"` : `"${m.name}" redefined`,
      };
      if (old.def.location) d.related = [{ ...old.def.location, message: 'previous definition' }];
      this.diagnostics.push(d);
    }
    this.setMacro(m.name, m);
  }

  // ------------------------------------------------------------------ macro expansion in text

  private reportIssues(F: FileState, issues: ExpandIssue[], fallback: FileRange): void {
    for (const is of issues) {
      const range = is.start >= 0 ? { file: F.id, start: is.start, end: is.end } : fallback;
      this.diag(is.code, is.severity, is.message, range);
    }
  }

  /** Expand the macro named at text[s, e). Returns the end of the invocation, or -1 when nothing was expanded. */
  private expandAt(F: FileState, s: number, e: number, m: Macro): number {
    const text = F.text;
    const reader = new FileReader(text, e, text.length);
    if (m.params && !m.builtin && !reader.peekParen()) return -1;
    const nameTok: Tok = { t: m.name, k: K.Ident, ws: false, pos: s, hs: null };
    this.expander.begin();
    this.curInvocation = s;
    let toks: Tok[] | undefined;
    try {
      toks = this.expander.expandFromFile(nameTok, reader);
    } catch (err) {
      if (err instanceof LimitError) {
        this.diag('resource-limit', 'error', `${err.message} (expanding "${m.name}")`, { file: F.id, start: s, end: e });
        // keep the whole invocation as written and do not rescan inside it: nested invocations
        // would each hit the limit again (quadratic time on F(F(F(...))) thousands deep)
        return m.params ? invocationEnd(text, e) : -1;
      }
      throw err;
    }
    if (!toks) return -1;
    const useEnd = Math.max(e, reader.lastEnd);
    this.reportIssues(F, this.expander.issues, { file: F.id, start: s, end: useEnd });
    // an invocation that failed (argument errors) leaves the name as written
    if (toks.length === 1 && toks[0].t === m.name && toks[0].pos === s) return -1;
    this.flush(F, s);
    this.emitExpansion(F, s, useEnd, toks, m);
    F.runStart = useEnd;
    if ((++this.tick & 1023) === 0) this.checkCancel({ file: F.id, start: s, end: useEnd });
    return useEnd;
  }

  private emitExpansion(F: FileState, s: number, useEnd: number, toks: Tok[], m: Macro): void {
    if (this.stopped) return;
    const useIdx = this.uses.length;
    const fi = F.fi;
    const parts: string[] = [];
    let outPos = this.outLen;
    let segOpen = false; // a MACRO segment is open
    const openMacroSeg = (): void => {
      if (!segOpen) { this.segs.push(outPos, fi, s, useEnd, SEG_MACRO, useIdx); segOpen = true; }
    };
    const prevText = this.lastOutputText();
    const before = tokenBefore(prevText, prevText.length);
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k];
      let sep = false;
      if (k === 0) {
        if (before && wouldPaste(before.t, before.k, t.t, t.k)) sep = true;
      } else {
        const p = toks[k - 1];
        sep = t.ws || ((t.ap === true || p.apAfter === true) && wouldPaste(p.t, p.k, t.t, t.k));
      }
      if (sep) { openMacroSeg(); parts.push(' '); outPos += 1; }
      if (t.pos >= 0 && t.pos + t.t.length <= F.text.length && t.pos >= s && t.pos < useEnd) {
        this.segs.push(outPos, fi, t.pos, t.pos + t.t.length, SEG_ARG, useIdx);
        segOpen = false;
      } else openMacroSeg();
      parts.push(t.t);
      outPos += t.t.length;
    }
    if (toks.length) {
      const after = tokenAt(F.text, useEnd, F.text.length);
      const last = toks[toks.length - 1];
      if (after && wouldPaste(last.t, last.k, after.t, after.k)) { openMacroSeg(); parts.push(' '); outPos += 1; }
    } else openMacroSeg();
    const expansion = parts.join('');
    this.outParts.push(expansion);
    this.outLen = outPos;
    this.uses.push({ name: m.name, range: { file: F.id, start: s, end: useEnd }, expansion, definition: m.def });
    if (this.outLen > MAX_OUTPUT) this.stop(`preprocessed output exceeds ${MAX_OUTPUT} bytes`, { file: F.id, start: s, end: useEnd });
  }

  // ------------------------------------------------------------------ includes

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
        const p = join(d, r.spelled);
        if (this.stat(p) !== 'missing') { found = p; break; }
      }
    }
    this.resolveMemo.set(key, found);
    return found;
  }

  private doInclude(F: FileState, name: string, ne: number, end: number, dirRange: FileRange): void {
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
  private foundIndex(found: string, spelled: string): number {
    for (let k = 0; k < this.includePaths.length; k++) if (join(this.includePaths[k], spelled) === found) return k;
    return -1;
  }

  /** An include resolved (here, or in a file replayed from the cache): for the frames and for the next run's replay. */
  private recordResolution(r: Resolution): void {
    for (let fIndex = 0, fList = this.frames; fIndex < fList.length; fIndex++) { const f = fList[fIndex]; f.resolutions.push(r); }
    this.allResolutions.push({ req: r, found: r.found, id: r.found === undefined ? undefined : this.real(r.found) });
  }

  /** An included file's text goes into the output (here, or inside a file replayed from the cache). */
  private recordRead(id: string, text: string): void {
    this.copied(id);
    for (let fIndex = 0, fList = this.frames; fIndex < fList.length; fIndex++) {
      const f = fList[fIndex];
      f.deps.push({ path: id, text });
      f.filesRead.push(id);
    }
  }

  private includeFile(F: FileState, req: Omit<Resolution, 'found'>, kind: 'quote' | 'angle' | 'dtc', range: FileRange, importOnce: boolean): void {
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
      this.processFile(id, found, r.text, foundIdx, F.depth + 1);
    } finally {
      this.stack.pop();
      if (frame) this.frames.pop();
    }
    this.mergeBarrier = this.segs.length;
    if (frame && !frame.poisoned && !this.stopped && !this.isVolatileFrame(frame)) this.store(frame);
  }

  private findCached(id: string, text: string): CacheEntry | undefined {
    const cands = this.cache!.candidates(id);
    outer: for (let eIndex = 0, eList = cands; eIndex < eList.length; eIndex++) {
      const e = eList[eIndex];
      if (e.text !== text || e.includePathsKey !== this.ipKey) continue;
      // cheapest first: an edited nested file (text compare) fails most entries before their macro check
      for (let dIndex = 0, dList = e.deps; dIndex < dList.length; dIndex++) {
        const d = dList[dIndex];
        if (this.stack.includes(d.path)) continue outer;
        const rd = this.read(d.path);
        if (!rd.ok || rd.text !== d.text) continue outer;
      }
      for (let rIndex = 0, rList = e.resolutions; rIndex < rList.length; rIndex++) { const r = rList[rIndex]; if (this.resolve(r) !== r.found) continue outer; }
      if (!this.consultedMatch(e.consulted)) continue;
      return e;
    }
    return undefined;
  }

  /** Is the file of this frame, or a file it included, being edited (its cache entry would not live long)? */
  private isVolatileFrame(f: Frame): boolean {
    const c = this.cache!;
    const causes: string[] = [];
    if (c.isVolatile(f.path)) causes.push(f.path);
    for (let k = 0; k < f.deps.length; k++) if (c.isVolatile(f.deps[k].path)) causes.push(f.deps[k].path);
    if (causes.length === 0) return false;
    c.markVolatile(f.path, causes);
    return true;
  }

  /** Does every macro a cached file consulted before defining it have the same definition now? */
  private consultedMatch(consulted: Map<string, string | null>): boolean {
    const macros = this.macros;
    let ok = true;
    // forEach: no entry arrays (thousands of names per big include, checked on every analysis)
    consulted.forEach((sig, name) => {
      if (!ok || sig === WRITTEN) return;
      const m = macros.get(name);
      if ((m ? m.sig : null) !== sig) ok = false;
    });
    return ok;
  }

  private store(f: Frame): void {
    const sg = this.segs;
    const fileTable: string[] = [];
    const local = new Int32Array(this.files.length).fill(-1);
    const segOut = sg.out.slice(f.seg);
    const segFile = sg.file.slice(f.seg);
    const segUse = sg.use.slice(f.seg);
    for (let k = 0; k < segOut.length; k++) {
      segOut[k] -= f.outLen;
      const g = segFile[k];
      let lf = local[g];
      if (lf < 0) { lf = fileTable.length; fileTable.push(this.files[g]); local[g] = lf; }
      segFile[k] = lf;
      if (segUse[k] >= 0) segUse[k] -= f.use;
    }
    this.cache!.store({
      path: f.path,
      text: f.text,
      consulted: f.consulted,
      effects: f.effects,
      // the pieces, not their concatenation: a nested file's pieces are the same strings in its own entry and in
      // every includer's, so a chain of includes holds its text once, not once per level
      outParts: this.outParts.slice(f.outPart),
      outLen: this.outLen - f.outLen,
      fileTable, segOut, segFile, segFs: sg.fs.slice(f.seg), segFe: sg.fe.slice(f.seg), segKind: sg.kind.slice(f.seg), segUse,
      diagnostics: this.diagnostics.slice(f.diag),
      includes: this.includes.slice(f.inc),
      uses: this.uses.slice(f.use),
      inactive: this.inactive.slice(f.inact),
      filesRead: f.filesRead,
      deps: f.deps,
      resolutions: f.resolutions,
      guards: f.guards,
      once: this.once.has(f.path) || undefined,
      includePathsKey: this.ipKey,
    });
  }

  private splice(e: CacheEntry, id: string): void {
    const base = this.outLen;
    const ub = this.uses.length;
    const fmap = e.fileTable.map((p) => this.fileId(p));
    for (let pIndex = 0, pList = e.filesRead; pIndex < pList.length; pIndex++) { const p = pList[pIndex]; this.fileId(p); }
    const sg = this.segs;
    for (let k = 0; k < e.segOut.length; k++) {
      sg.out.push(base + e.segOut[k]);
      sg.file.push(fmap[e.segFile[k]]);
      sg.fs.push(e.segFs[k]);
      sg.fe.push(e.segFe[k]);
      sg.kind.push(e.segKind[k]);
      sg.use.push(e.segUse[k] >= 0 ? ub + e.segUse[k] : -1);
    }
    this.mergeBarrier = sg.length;
    for (let k = 0; k < e.outParts.length; k++) this.outParts.push(e.outParts[k]);
    this.outLen += e.outLen;
    for (let uIndex = 0, uList = e.uses; uIndex < uList.length; uIndex++) { const u = uList[uIndex]; this.uses.push(u); }
    for (let dIndex = 0, dList = e.diagnostics; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.diagnostics.push(d); }
    for (let dIndex = 0, dList = e.includes; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.includes.push(d); }
    for (let rIndex = 0, rList = e.inactive; rIndex < rList.length; rIndex++) { const r = rList[rIndex]; this.inactive.push(r); }
    if (this.frames.length) e.consulted.forEach((sig, name) => { if (sig !== WRITTEN) this.recordConsulted(name, sig); });
    for (let rIndex = 0, rList = e.resolutions; rIndex < rList.length; rIndex++) { const r = rList[rIndex]; this.recordResolution(r); }
    for (let dIndex = 0, dList = e.deps; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; this.recordRead(d.path, d.text); }
    e.effects.forEach((m, name) => this.setMacro(name, m));
    for (let entryIndex = 0, entryList = e.guards; entryIndex < entryList.length; entryIndex++) { const [p, g] = entryList[entryIndex]; this.learnGuard(p, g); }
    if (e.once) this.once.add(id);
    if (this.outLen > MAX_OUTPUT) this.stop(`preprocessed output exceeds ${MAX_OUTPUT} bytes`, { file: id, start: 0, end: 0 });
  }

  // ------------------------------------------------------------------ dtc /include/

  /** A dtc /include/ "file" at text[i]. Returns the end of the directive, or -1 when it is not one. */
  private dtcIncludeAt(F: FileState | undefined, text: string, i: number, dir: string, fi: number, id: string, depth: number): number {
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
  private insertRaw(id: string, found: string, text: string, depth: number): void {
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

/** End of the parenthesised argument list that starts after text[e) (past the matching ')'), or -1. */
function invocationEnd(text: string, e: number): number {
  const r = new FileReader(text, e, text.length);
  let depth = 0;
  for (let t = r.next(); t; t = r.next()) {
    if (t.t === '(') depth++;
    else if (t.t === ')' && --depth === 0) return r.lastEnd;
  }
  return -1;
}

export { SEG_ARG, SEG_GAP, SEG_MACRO, SEG_VERBATIM };
