// Cache of preprocessed include files. An entry is reusable when the file's
// text is the same, every macro the file consulted before defining it has the
// same definition now, every nested include resolves to the same file with
// the same text, and none of those files is on the current include stack.
import type { Diagnostic, FileRange } from '../base/diagnostics';
import type { RunRecord } from './incremental';
import type { Macro } from './macros';
import type { IncludeDirective, MacroUse, PreprocessCache } from './types';

export interface Resolution {
  /** directory searched first ('' for angle includes) */
  dir: string;
  spelled: string;
  kind: 'quote' | 'angle' | 'dtc' | 'next';
  /** index in includePaths to start from (include_next) */
  from: number;
  /** resolved path as found (undefined when not found) */
  found: string | undefined;
}

export interface CacheEntry {
  path: string;
  text: string;
  /**
   * name, signature at first lookup (null: undefined; a WRITTEN marker for names the file set first), name,
   * signature, ...: a run's frame records them in a Map, the entry keeps them as one list (only ever walked in
   * order; the cached includes of a kernel board consult ~100,000 names, kept as long as the server runs)
   */
  consulted: (string | null)[];
  /** name, macro (null: #undef), name, macro, ... in the order the file set them */
  effects: (string | Macro | null)[];
  /** the output, as the pieces the run emitted (shared with the entries of nested files) */
  outParts: string[];
  outLen: number;
  fileTable: string[];
  /**
   * The output's segments, SEG_FIELDS numbers each (output offset, file in fileTable, file start, file end,
   * kind, macro use or -1), packed: a kernel board's cached includes hold ~100,000 segments, kept as long as
   * the server runs (six lists of JS numbers took twice the memory, plus their slack).
   */
  segs: Int32Array;
  diagnostics: Diagnostic[];
  includes: IncludeDirective[];
  uses: MacroUse[];
  inactive: FileRange[];
  filesRead: string[];
  deps: { path: string; text: string }[];
  resolutions: Resolution[];
  /** include guards (file, macro) learned while processing the file (itself and nested files) */
  guards: [string, string][];
  once?: boolean;
  includePathsKey: string;
}

/** numbers per segment in CacheEntry.segs */
export const SEG_FIELDS = 6;

const MAX_VARIANTS = 8;

/** A file edited within this many runs is volatile (see isVolatile). */
const VOLATILE_RUNS = 2;

/** Roots whose last run is kept for an incremental run (incremental.ts). */
const MAX_RECORDS = 16;

export class PreprocessCacheImpl implements PreprocessCache {
  readonly kind = 'preprocess-cache' as const;
  hits = 0;
  misses = 0;
  /** runs done incrementally (a keystroke replayed on the last run of its root) */
  incremental = 0;
  private readonly entries = new Map<string, CacheEntry[]>();
  /** runs of the preprocessor with this cache (one per analysis) */
  private run = 0;
  /** last text seen of each included file, and the run in which it last changed */
  private readonly lastText = new Map<string, string>();
  private readonly changedAt = new Map<string, number>();

  /** the last run of each recent root (most recent last) */
  private readonly records = new Map<string, RunRecord>();

  record(root: string): RunRecord | undefined {
    return this.records.get(root);
  }

  setRecord(root: string, r: RunRecord | undefined): void {
    this.records.delete(root);
    if (!r) return;
    this.records.set(root, r);
    if (this.records.size > MAX_RECORDS) this.records.delete(this.records.keys().next().value as string);
  }

  /** A preprocessor run begins. */
  beginRun(): void {
    this.run++;
  }

  /** An included file was read with this text: notes a change of its text since the last run that read it. */
  noteText(path: string, text: string, editedFrom?: string): void {
    const last = this.lastText.get(path);
    // (a text the caller found edited from the last one is not compared with it: see base/text.ts EditedText)
    const edited = last !== undefined && editedFrom !== undefined && last === editedFrom;
    if (!edited && last === text) return;
    this.lastText.set(path, text);
    if (last === undefined) return;
    this.changedAt.set(path, this.run);
    // entries of the older text can only serve an undo; the file is being edited: they go
    const list = this.entries.get(path);
    if (list) {
      for (let i = list.length - 1; i >= 0; i--) if ((edited && list[i].text === last) || list[i].text !== text) list.splice(i, 1);
      if (list.length === 0) this.entries.delete(path);
    }
  }

  /**
   * Files whose entry was not stored because they are, or include, a volatile file -> the volatile files
   * concerned. While one of those is still volatile, a run does not even record such a file (see skipFrame).
   */
  private readonly volatileIncluders = new Map<string, string[]>();

  /** The entry of `path` was not stored: it is, or it includes, these volatile files. */
  markVolatile(path: string, causes: string[]): void {
    this.volatileIncluders.set(path, causes);
  }

  /** Record a run of `path` for the cache? Not while it is, or includes, a file being edited. */
  skipFrame(path: string): boolean {
    if (this.isVolatile(path)) return true;
    const causes = this.volatileIncluders.get(path);
    if (!causes) return false;
    for (let k = 0; k < causes.length; k++) if (this.isVolatile(causes[k])) return true;
    this.volatileIncluders.delete(path);
    return false;
  }

  /**
   * A file whose text changed in one of the last VOLATILE_RUNS runs is being edited: an entry for it, or for
   * a file that includes it, would be outdated by the next keystroke. Storing one copies the whole output of
   * the file (and, for an includer, of everything it includes), so such entries are not stored.
   */
  isVolatile(path: string): boolean {
    const at = this.changedAt.get(path);
    if (at === undefined) return false;
    if (this.run - at <= VOLATILE_RUNS) return true;
    this.changedAt.delete(path);
    return false;
  }

  get stats(): { hits: number; misses: number; entries: number } {
    let n = 0;
    for (const v of this.entries.values()) n += v.length;
    return { hits: this.hits, misses: this.misses, entries: n };
  }

  candidates(path: string): CacheEntry[] {
    return this.entries.get(path) ?? [];
  }

  store(e: CacheEntry): void {
    let list = this.entries.get(e.path);
    if (!list) { list = []; this.entries.set(e.path, list); }
    // drop variants of an older text of this file, and variants built on an older text of a nested file
    // (an includer of an edited file: its output holds the whole nested output, kept once per edit otherwise)
    const depText = new Map<string, string>();
    for (let dIndex = 0, dList = e.deps; dIndex < dList.length; dIndex++) { const d = dList[dIndex]; depText.set(d.path, d.text); }
    const stale = (v: CacheEntry): boolean => {
      if (v.text !== e.text) return true;
      for (let dIndex = 0, dList = v.deps; dIndex < dList.length; dIndex++) {
        const d = dList[dIndex];
        const t = depText.get(d.path);
        if (t !== undefined && t !== d.text) return true;
      }
      return false;
    };
    for (let i = list.length - 1; i >= 0; i--) if (stale(list[i])) list.splice(i, 1);
    list.unshift(e);
    if (list.length > MAX_VARIANTS) list.length = MAX_VARIANTS;
  }

  /** Move a hit to the front (most recently used). */
  touch(e: CacheEntry): void {
    const list = this.entries.get(e.path);
    if (!list) return;
    const i = list.indexOf(e);
    if (i > 0) { list.splice(i, 1); list.unshift(e); }
  }

  clear(): void {
    this.entries.clear();
    this.lastText.clear();
    this.changedAt.clear();
    this.volatileIncluders.clear();
    this.records.clear();
    this.hits = 0;
    this.misses = 0;
  }
}
