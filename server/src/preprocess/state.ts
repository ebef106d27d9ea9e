// The preprocessor run's state: the output being built (text parts + segment map), the macro table, the
// memoised file access, the recording frames of the include cache, and the diagnostics. The stages of a
// run are layered on it, one file each: cache-splice.ts (replaying and storing cached includes),
// conditionals.ts (#if family), expansion.ts (#define and macro expansion in text), includes.ts
// (#include, dtc /include/), scanner.ts (the scan of one file and the directive dispatch).
import type { Diagnostic, FileRange, Severity } from '../base/diagnostics';
import type { FileSystem, ReadResult } from '../base/fs';
import { normalize } from '../base/paths';
import { mayHoldCR } from '../base/text';
import { PreprocessCacheImpl, type Resolution } from './cache';
import { MAX_OUTPUT, type RunRecord } from './incremental';
import { K, type Tok } from './lexer';
import { Expander, type BuiltinKind, type ExpandHost, type ExpandIssue, type Macro } from './macros';
import { SEG_VERBATIM, Segments } from './sourcemap';
import type { IncludeDirective, MacroUse, PreprocessOptions } from './types';

export const MAX_INCLUDE_DEPTH = 200;
/** marks a name the file wrote before it read it */
export const WRITTEN = '\u0000written';

export interface Frame {
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


export interface Cond {
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
export class FileState {
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
    /** a system header: found through a system include directory (cpp's -isystem), or beside one, or after #pragma GCC system_header */
    public system = false,
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

export abstract class RunState implements ExpandHost {
  protected readonly fs: FileSystem;
  /** -I directories, then the system ones (from systemFrom on) */
  protected readonly includePaths: string[];
  protected readonly systemFrom: number;
  protected readonly ipKey: string;
  protected readonly cache: PreprocessCacheImpl | undefined;
  protected readonly isCancelled: (() => boolean) | undefined;

  protected readonly macros = new Map<string, Macro>();
  /** first characters (ASCII) of every name ever defined in this run (see mayBeMacro) */
  private readonly defStarts = new Uint8Array(128);
  protected readonly outParts: string[] = [];
  protected outLen = 0;
  protected readonly segs = new Segments();
  protected mergeBarrier = 0;
  protected readonly files: string[] = [];
  protected readonly fileIds = new Map<string, number>();
  protected readonly diagnostics: Diagnostic[] = [];
  protected readonly includes: IncludeDirective[] = [];
  protected readonly uses: MacroUse[] = [];
  protected readonly inactive: FileRange[] = [];
  protected readonly frames: Frame[] = [];
  protected readonly stack: string[] = [];
  protected readonly readMemo = new Map<string, ReadResult>();
  protected readonly resolveMemo = new Map<string, string | undefined>();
  protected readonly statMemo = new Map<string, string>();
  protected readonly realMemo = new Map<string, string>();
  protected readonly guards = new Map<string, string>();
  protected readonly guardCandidates = new Map<string, string>();
  protected readonly once = new Set<string>();
  protected readonly expander: Expander;
  protected stopped = false;
  /** the run met something an incremental run does not replay (a failed read, an include cycle) */
  protected unsafe = false;
  // for the next keystroke's incremental run (see incremental.ts)
  protected readonly copies = new Map<string, number>();
  protected readonly everDefined = new Set<string>();
  protected readonly functionLike = new Set<string>();
  protected readonly allResolutions: RunRecord['resolutions'] = [];
  protected usedLine = false;
  protected tick = 0;
  protected cur: FileState | undefined;
  protected curInvocation = 0;

  protected readonly key: string;

  constructor(options: PreprocessOptions) {
    this.fs = options.fs;
    this.includePaths = options.includePaths.map((p) => normalize(p));
    this.systemFrom = this.includePaths.length;
    for (const p of options.systemIncludePaths ?? []) this.includePaths.push(normalize(p));
    this.ipKey = this.includePaths.join('\0') + (this.systemFrom < this.includePaths.length ? `\u0002${this.systemFrom}` : '');
    const c = options.cache as PreprocessCacheImpl | undefined;
    this.cache = c && c instanceof PreprocessCacheImpl ? c : undefined;
    this.cache?.beginRun();
    this.isCancelled = options.isCancelled;
    this.expander = new Expander(this);
    const builtin = (name: string, kind: BuiltinKind, body: string): Macro => ({
      name, params: null, variadic: false, body: [], builtin: kind, sig: `builtin:${name}`, def: { name, body },
    });
    this.macros.set('__FILE__', builtin('__FILE__', 'file', '<current file>'));
    this.macros.set('__LINE__', builtin('__LINE__', 'line', '<current line>'));
    this.macros.set('__COUNTER__', builtin('__COUNTER__', 'counter', '<0, 1, 2, ... on each use>'));
    this.macros.set('__INCLUDE_LEVEL__', builtin('__INCLUDE_LEVEL__', 'level', '<include depth>'));
    this.macros.set('__BASE_FILE__', builtin('__BASE_FILE__', 'base', '<the root file>'));
    this.predefined = options.defines ?? {};
    this.stackFiles = (options.stack ?? []).map((p) => normalize(p));
    this.key = this.ipKey + '\u0001' + JSON.stringify(this.predefined) + (this.stackFiles.length ? '\u0003' + this.stackFiles.join('\0') : '');
  }
  protected readonly predefined: Record<string, string>;
  /** __COUNTER__ */
  private counter = 0;
  /** files preprocessed after the root in the same run (cpp -include) */
  protected readonly stackFiles: string[];

  // ------------------------------------------------------------------ helpers

  protected diag(code: string, severity: Severity, message: string, range: FileRange): void {
    this.diagnostics.push({ file: range.file, start: range.start, end: range.end, severity, code, message });
  }

  protected stop(message: string, range: FileRange): void {
    if (this.stopped) return;
    this.stopped = true;
    this.diag('resource-limit', 'error', message, range);
    for (const f of this.frames) f.poisoned = true;
  }

  protected checkCancel(range: FileRange): boolean {
    if (this.stopped) return true;
    if (this.isCancelled && this.isCancelled()) {
      this.stop('preprocessing was cancelled', range);
      return true;
    }
    return false;
  }

  /** `name` is a macro now: the replay of the next keystroke must not touch it (see incremental.ts). */
  protected noteDefined(name: string, m: Macro): void {
    this.everDefined.add(name);
    const c = name.charCodeAt(0);
    if (c < 128) this.defStarts[c] = 1;
    if (m.params) this.functionLike.add(name);
  }

  protected copied(path: string): void {
    this.copies.set(path, (this.copies.get(path) ?? 0) + 1);
  }

  protected fileId(path: string): number {
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
      if (r.ok && mayHoldCR(r.text)) r = { ok: true, text: r.text.replace(/\r(?!\n)/g, '\n') };
      this.readMemo.set(path, r);
    }
    return r;
  }

  protected stat(path: string): string {
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

  /**
   * Can an identifier starting with c name a macro? Not when no name ever defined starts with it (most of a
   * board's identifiers are lower-case property and node names) and no frame records the names consulted.
   */
  protected mayBeMacro(c: number): boolean {
    return c >= 128 || this.defStarts[c] !== 0 || this.frames.length !== 0;
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

  protected recordConsulted(name: string, sig: string | null): void {
    const fr = this.frames;
    for (let i = fr.length - 1; i >= 0; i--) {
      const c = fr[i].consulted;
      if (c.has(name)) break;
      c.set(name, sig);
    }
  }

  protected setMacro(name: string, m: Macro | null): void {
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

  builtin(kind: BuiltinKind, pos: number): Tok {
    const f = this.cur;
    if (kind === 'file') return { t: JSON.stringify(f ? f.id : ''), k: K.String, ws: false, pos: -1, hs: null };
    if (kind === 'base') return { t: JSON.stringify(this.files[0] ?? ''), k: K.String, ws: false, pos: -1, hs: null };
    if (kind === 'level') return { t: String(f ? f.depth : 0), k: K.Number, ws: false, pos: -1, hs: null };
    if (kind === 'counter') {
      // the value depends on every earlier use: an include that uses it is never replayed from the cache
      for (const fr of this.frames) fr.poisoned = true;
      return { t: String(this.counter++), k: K.Number, ws: false, pos: -1, hs: null };
    }
    this.usedLine = true;
    const line = f ? f.lineOf(pos >= 0 ? pos : this.curInvocation) : 0;
    return { t: String(line), k: K.Number, ws: false, pos: -1, hs: null };
  }

  protected reportIssues(F: FileState, issues: ExpandIssue[], fallback: FileRange): void {
    for (const is of issues) {
      const range = is.start >= 0 ? { file: F.id, start: is.start, end: is.end } : fallback;
      this.diag(is.code, is.severity, is.message, range);
    }
  }

  protected tokRange(F: FileState, t: Tok): FileRange {
    return { file: F.id, start: t.pos, end: t.pos + t.t.length };
  }

  // ------------------------------------------------------------------ output

  protected emitText(s: string, fi: number, fs: number, fe: number, kind: number, use: number): void {
    if (this.stopped) return;
    if (kind === SEG_VERBATIM && this.segs.length > this.mergeBarrier) this.segs.push(this.outLen, fi, fs, fe, kind, use);
    else if (kind === SEG_VERBATIM) this.pushSegNoMerge(fi, fs, fe, kind, use);
    else this.pushSegNoMerge(fi, fs, fe, kind, use);
    this.outParts.push(s);
    this.outLen += s.length;
    if (this.outLen > MAX_OUTPUT) this.stop(`preprocessed output exceeds ${MAX_OUTPUT} bytes`, { file: this.files[fi], start: fs, end: fe });
  }

  protected pushSegNoMerge(fi: number, fs: number, fe: number, kind: number, use: number): void {
    const s = this.segs;
    s.out.push(this.outLen);
    s.file.push(fi);
    s.fs.push(fs);
    s.fe.push(fe);
    s.kind.push(kind);
    s.use.push(use);
  }

  protected flush(F: FileState, to: number): void {
    if (F.active && to > F.runStart) this.emitText(F.text.slice(F.runStart, to), F.fi, F.runStart, to, SEG_VERBATIM, -1);
    F.runStart = to;
  }

  protected lastOutputText(): string {
    for (let i = this.outParts.length - 1; i >= 0; i--) if (this.outParts[i].length) return this.outParts[i];
    return '';
  }
}
