// Incremental re-preprocessing of a keystroke.
//
// A full run re-expands the edited file (and the files including it) on every keystroke: ~10 ms for a
// 180 KB SoC .dtsi. Most keystrokes change text the preprocessor copies as it is (a value, a name, a space
// in a node) or text it drops (a comment). For those the new output is the previous output with the same
// change applied (or unchanged, for a comment), and the source map, macro uses, diagnostics and ranges of
// the edited file move after it.
//
// `reprocessEdit` takes the record a run left (RunRecord) and returns the new result when it can show the
// change is such an edit; otherwise undefined, and a full run follows. What it checks:
//   - exactly one file differs from the texts of the run, it went into the output once, every include
//     resolves to the same file, and the run had no failed read, include cycle or stop;
//   - a comment edit stays inside one comment: a block comment ends at the same '*/' and spans lines as
//     before; a line comment ends at the same line end;
//   - otherwise the tokens the edit touches (widened to white space on one side at both ends, in both
//     versions) were copied by one VERBATIM segment that also copied the character before them; neither
//     version has a comment marker, a backslash, '/include/', a non-ASCII character, a directive (also on
//     the line after a newline) or an identifier that was a macro name at any point of the run, and no '#'
//     follows them on their line (text before a '#' decides whether its line is a directive); from the
//     start of the line both versions reach the end of the edit in the same string-literal state; the token
//     before is not the name of a function-like macro (a '(' could open an invocation);
//   - white space added to or removed from white space in an `#include`, `#if`-family or `#undef` line
//     (directiveSpaceEdit) leaves the output as it is;
//   - the number of lines changes only when __LINE__ was never expanded;
//   - no invocation in the file had an argument list that ran to the file's end (a ')' typed later closes it).
import type { Diagnostic, FileRange } from '../base/diagnostics';
import type { ReadResult } from '../base/fs';
import { diffBounds, notedChange, noteEdit, type TextReader } from '../base/text';
import type { Resolution } from './cache';
import { UNTERMINATED_ARGS, type Macro } from './macros';
import { withDefinition } from './lazy-define';
import { blockCommentEnd, DIRECTIVES, isDigit, isHSpace, isIdChar, lineCommentEnd } from './lexer';
import { SEG_GAP, SEG_VERBATIM, Segments, SourceMapImpl } from './sourcemap';
import type { IncludeDirective, MacroDefinition, MacroUse, PreprocessResult } from './types';

/** The preprocessor stops (a 'resource-limit' diagnostic) when its output would exceed this. */
export const MAX_OUTPUT = 64 * 1024 * 1024;

/** What a full run (or a previous incremental one) leaves for the next keystroke. */
export interface RunRecord {
  /** include paths + predefined macros: a run with other options starts over */
  key: string;
  result: PreprocessResult;
  /** the segments of result.map */
  segs: Segments;
  /** text of every file read (after line-end normalisation), by path */
  texts: Map<string, string>;
  /** every include resolution of the run, with the canonical path of what was found */
  resolutions: { req: Omit<Resolution, 'found'>; found: string | undefined; id: string | undefined }[];
  /** how many times each file's text went into the output (expanded, inserted raw, or replayed from the cache) */
  copies: Map<string, number>;
  /** every name that was a macro at some point of the run, and those that were function-like */
  everDefined: Set<string>;
  functionLike: Set<string>;
  usedLine: boolean;
  /** the final macro table */
  table: Map<string, Macro>;
}

export interface IncrementalHost {
  read(path: string): ReadResult;
  resolve(req: Omit<Resolution, 'found'>): string | undefined;
  real(path: string): string;
}

/** The definitions of a macro table (builtins left out), built on first use: only editor features ask for them. */
export function definitionsOf(table: Map<string, Macro>): () => Map<string, MacroDefinition> {
  let defs: Map<string, MacroDefinition> | undefined;
  return () => {
    if (!defs) {
      const m = new Map<string, MacroDefinition>();
      table.forEach((v, name) => { if (!v.builtin) m.set(name, v.def); });
      defs = m;
    }
    return defs;
  };
}

function isSpaceCode(c: number): boolean { return c === 10 || isHSpace(c); }

/** Is there white space on one side of position i (a token cannot run through it)? */
function tokenBoundary(t: TextReader, i: number): boolean {
  return i <= 0 || i >= t.length || isSpaceCode(t.charCodeAt(i - 1)) || isSpaceCode(t.charCodeAt(i));
}

/** Would the preprocessor read the '#' at i as a directive (first on its line, then a directive name, a digit or nothing)? */
function directiveAt(t: TextReader, i: number): boolean {
  for (let k = i - 1; k >= 0; k--) {
    const c = t.charCodeAt(k);
    if (c === 10) break;
    if (!isHSpace(c)) return false;
  }
  let j = i + 1;
  while (j < t.length && isHSpace(t.charCodeAt(j))) j++;
  if (j >= t.length || t.charCodeAt(j) === 10 || isDigit(t.charCodeAt(j))) return true;
  let e = j;
  while (e < t.length && isIdChar(t.charCodeAt(e))) e++;
  return DIRECTIVES.has(t.slice(j, e));
}

function blankRange(t: TextReader, a: number, b: number): boolean {
  for (let i = a; i < b; i++) if (!isSpaceCode(t.charCodeAt(i))) return false;
  return true;
}

/** Is the first character at or after i that is not horizontal white space a '#'? */
function hashFollows(t: TextReader, i: number): boolean {
  while (i < t.length && isHSpace(t.charCodeAt(i))) i++;
  return i < t.length && t.charCodeAt(i) === 35;
}

/**
 * Is text[a, b) plain text the preprocessor copies as it is (see the header), and does it leave the line
 * after each of its newlines free of a directive? `everDefined`: names that were macros at some point of the run.
 */
export function plainText(text: TextReader, a: number, b: number, everDefined: Set<string>): boolean {
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      // the next line's first character, wherever it is, must not start a directive
      let j = i + 1;
      while (j < text.length && isSpaceCode(text.charCodeAt(j))) j++;
      if (j < text.length && text.charCodeAt(j) === 35 && directiveAt(text, j)) return false;
      continue;
    }
    if (isHSpace(c)) continue;
    if (c >= 128 || c === 92 /* \ */) return false;
    if (c === 35 /* # */ && directiveAt(text, i)) return false;
    if (c === 47 /* / */) {
      const d = text.charCodeAt(i + 1);
      if (d === 42 || d === 47 || text.slice(i, i + 9) === '/include/') return false;
      continue;
    }
    if (c === 42 /* * */ && text.charCodeAt(i + 1) === 47) return false;
    if (isIdChar(c)) {
      let e = i + 1;
      while (e < b && isIdChar(text.charCodeAt(e))) e++;
      // a run that starts with a digit is (part of) a pp-number: never expanded
      if (!isDigit(c) && everDefined.has(text.slice(i, e))) return false;
      i = e - 1;
    }
  }
  return true;
}

/**
 * The scanner's string state at `to` when it starts at `from` outside any string, comment or directive:
 * 0 outside strings, 34 / 39 inside a "..." / '...' literal (which ends at its quote or at the end of the
 * line, see quoteEnd); -1 when a comment marker, a backslash outside a literal or an escaped line end is met.
 */
export function quoteState(t: TextReader, from: number, to: number): number {
  let q = 0;
  for (let i = from; i < to; i++) {
    const c = t.charCodeAt(i);
    if (q !== 0) {
      if (c === 92) {
        const d = t.charCodeAt(i + 1);
        if (i + 1 >= to || d === 10 || d === 13) return -1;
        i++;
      } else if (c === q || c === 10) q = 0;
      continue;
    }
    if (c === 34 || c === 39) { q = c; continue; }
    if (c === 92) return -1;
    if ((c === 47 || c === 42) && (t.charCodeAt(i + 1) === 42 || t.charCodeAt(i + 1) === 47)) return -1;
  }
  return q;
}

/** The identifier that ends right before o in text (after skipping white space back), or ''. */
function identifierBefore(text: string, o: number): string {
  let i = o;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (isSpaceCode(c)) i--; else break;
  }
  let s = i;
  while (s > 0 && isIdChar(text.charCodeAt(s - 1))) s--;
  return text.slice(s, i);
}

/** Where a range lies against an edit (Shift.where). */
const enum Where { STAYS, TOUCHES, MOVES }

/** Mutable-free shifting of positions in one file after an edit of [p, oldEnd) that moved the rest by d. */
class Shift {
  /** a range overlapping the edited text was met: the edit is not a plain one after all */
  overlap = false;
  private readonly defs = new Map<MacroDefinition, MacroDefinition>();
  constructor(readonly file: string, readonly p: number, readonly oldEnd: number, readonly d: number) {}

  /**
   * Where r lies against the edit: STAYS (another file, or ending at or before p: a zero-length range right at p
   * is before the edit), TOUCHES (overlaps the edited text) or MOVES (starts at or after oldEnd).
   */
  where(r: FileRange | undefined): Where {
    if (r === undefined || r.file !== this.file || r.end <= this.p) return Where.STAYS;
    return r.start < this.oldEnd ? Where.TOUCHES : Where.MOVES;
  }

  /** Does r touch the edited text? */
  touches(r: FileRange | undefined): boolean {
    return this.where(r) === Where.TOUCHES;
  }

  /** Nothing moves (d = 0): is any range of the result, or a macro definition's, on the edited text? */
  touchesAny(prev: PreprocessResult, table: Map<string, Macro>): boolean {
    for (const u of prev.macroUses) if (this.touches(u.range) || this.touches(u.definition?.location)) return true;
    for (const x of prev.diagnostics) {
      if (this.touches(x)) return true;
      if (x.related) for (const r of x.related) if (this.touches(r)) return true;
    }
    for (const inc of prev.includes) if (this.touches(inc.range)) return true;
    for (const r of prev.inactiveRanges) if (this.touches(r)) return true;
    let hit = false;
    table.forEach((m) => { if (!hit && this.touches(m.def?.location)) hit = true; });
    return hit;
  }

  range<R extends FileRange>(r: R): R {
    const w = this.where(r);
    if (w === Where.STAYS) return r;
    if (w === Where.TOUCHES) { this.overlap = true; return r; }
    return { ...r, start: r.start + this.d, end: r.end + this.d };
  }

  /** range() for a plain FileRange (a macro use's, a definition's location): made field by field, not spread. */
  fileRange(r: FileRange): FileRange {
    const w = this.where(r);
    if (w === Where.STAYS) return r;
    if (w === Where.TOUCHES) { this.overlap = true; return r; }
    return { file: r.file, start: r.start + this.d, end: r.end + this.d };
  }

  diagnostic(x: Diagnostic): Diagnostic {
    const moved = this.range(x);
    const related = x.related?.map((r) => this.range(r));
    if (moved === x && (!related || related.every((r, k) => r === x.related![k]))) return x;
    return related ? { ...moved, related } : moved;
  }

  definition(def: MacroDefinition | undefined): MacroDefinition | undefined {
    if (!def || !def.location) return def;
    let moved = this.defs.get(def);
    if (!moved) {
      const loc = this.fileRange(def.location);
      moved = loc === def.location ? def : { ...def, location: loc };
      this.defs.set(def, moved);
    }
    return moved;
  }
}

/** How an edit changes the previous output. */
interface OutputEdit {
  /** the segment of the edited file that contains the edit (its end moves), or -1 */
  seg: number;
  /** output offset, length of the output replaced, and the new output text there */
  at: number;
  removed: number;
  inserted: string;
}

/**
 * An edit inside a comment: the output does not change (a block comment is one space, or one newline when
 * it spans lines; a line comment is nothing), only positions in the file after it move.
 */
function commentEdit(sg: Segments, fi: number, oldText: string, newText: string, p: number, oldEnd: number, d: number): OutputEdit | undefined {
  // the last segment of the file that starts at or before the edit
  let k = -1;
  for (let j = 0; j < sg.out.length; j++) if (sg.file[j] === fi && sg.fs[j] <= p) k = j;
  if (k >= 0 && sg.kind[k] === SEG_GAP && sg.fs[k] + 2 <= p && oldEnd <= sg.fe[k] - 2) {
    // inside /* ... */ (not touching its markers): it must end at the same '*/', spanning lines as before
    const start = sg.fs[k];
    const end = sg.fe[k];
    if (blockCommentEnd(newText, start) !== end + d) return undefined;
    const nlOld = oldText.indexOf('\n', start);
    const nlNew = newText.indexOf('\n', start);
    if ((nlOld >= 0 && nlOld < end) !== (nlNew >= 0 && nlNew < end + d)) return undefined;
    return { seg: k, at: 0, removed: 0, inserted: '' };
  }
  // inside // ...: the scanner stopped copying where the comment starts (the end of the segment before it,
  // or the start of the file when nothing before the edit was copied) and resumed at its end
  if (k >= 0 && sg.kind[k] !== SEG_VERBATIM && sg.kind[k] !== SEG_GAP) return undefined;
  const c = k >= 0 ? sg.fe[k] : 0;
  if (c + 2 > p || !oldText.startsWith('//', c)) return undefined;
  const e = lineCommentEnd(oldText, c, oldText.length);
  if (oldEnd > e || lineCommentEnd(newText, c, newText.length) !== e + d) return undefined;
  return { seg: -1, at: 0, removed: 0, inserted: '' };
}

/** Directives whose meaning does not change with the amount of white space between their tokens. */
const SPACE_NEUTRAL = new Set(['include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'else', 'endif', 'undef']);

/**
 * White space added to or removed from white space in the line of an `#include`, `#if`-family or `#undef`
 * directive (between its tokens, at its end; not inside its file name, not its indentation): the output does not
 * change, only positions in the file after it move. A `#define` is left out (its body is kept as written), and
 * so are lines with a comment marker, a backslash or a character literal.
 */
function directiveSpaceEdit(sg: Segments, fi: number, oldText: string, newText: TextReader, p: number, oldEnd: number, newEnd: number): OutputEdit | undefined {
  for (let i = p; i < oldEnd; i++) if (!isHSpace(oldText.charCodeAt(i))) return undefined;
  for (let i = p; i < newEnd; i++) if (!isHSpace(newText.charCodeAt(i))) return undefined;
  const ls = oldText.lastIndexOf('\n', p - 1) + 1;
  let le = oldText.indexOf('\n', oldEnd);
  if (le < 0) le = oldText.length;
  if (ls >= 2 && oldText.charCodeAt(ls - 2) === 92) return undefined; // continued from the line before
  for (let i = ls; i < le; i++) {
    const c = oldText.charCodeAt(i);
    if (c === 92 || c === 39 || c >= 128 || ((c === 47 || c === 42) && (oldText.charCodeAt(i + 1) === 47 || oldText.charCodeAt(i + 1) === 42))) return undefined;
  }
  let h = ls;
  while (h < le && isHSpace(oldText.charCodeAt(h))) h++;
  if (oldText.charCodeAt(h) !== 35) return undefined;
  let j = h + 1;
  while (j < le && isHSpace(oldText.charCodeAt(j))) j++;
  let e = j;
  while (e < le && isIdChar(oldText.charCodeAt(e))) e++;
  if (!SPACE_NEUTRAL.has(oldText.slice(j, e))) return undefined;
  if (p >= e) {
    // between or after its tokens: the run of white space stays a run (no token is split or joined) ...
    const next = oldEnd < oldText.length ? oldText.charCodeAt(oldEnd) : 10;
    if (!isHSpace(oldText.charCodeAt(p - 1)) && !isHSpace(next) && next !== 10) return undefined;
    // ... outside a "file name" or <file name> (white space there is part of the name)
    let quotes = 0;
    let angle = false;
    for (let i = e; i < p; i++) {
      const c = oldText.charCodeAt(i);
      if (c === 34) quotes++;
      else if (c === 60 && quotes % 2 === 0) angle = true;
      else if (c === 62) angle = false;
    }
    if (quotes % 2 === 1 || angle) return undefined;
  } else return undefined; // (the indentation before '#' is copied to the output)
  // no segment of the file covers the edited text (the directive line itself is not copied)
  for (let k = 0; k < sg.out.length; k++) {
    if (sg.file[k] === fi && sg.fs[k] < oldEnd && sg.fe[k] > p) return undefined;
  }
  return { seg: -1, at: 0, removed: 0, inserted: '' };
}

/** An edit of text copied verbatim (see the header), or undefined. */
function verbatimEdit(record: RunRecord, fi: number, oldText: string, newText: TextReader, p: number, oldEnd: number, newEnd: number): OutputEdit | undefined {
  const oldLen = oldText.length;
  // the tokens it touches: widened to white space on one side at both ends, in both versions
  let a = p;
  while (a > 0 && !(tokenBoundary(oldText, a) && tokenBoundary(newText, a))) a--;
  let bOld = oldEnd;
  let bNew = newEnd;
  while (bOld < oldLen && !(tokenBoundary(oldText, bOld) && tokenBoundary(newText, bNew))) { bOld++; bNew++; }
  if (!plainText(oldText, a, bOld, record.everDefined) || !plainText(newText, a, bNew, record.everDefined)) return undefined;
  // a '#' after the edit on its line: text typed before it, or deleted up to it, may make or unmake a directive
  // (`+x\t#include "nrf_common.dtsi"` is text; so is `x #define Y`, until its `x ` is deleted); white space for
  // white space (an indentation) changes neither
  if ((hashFollows(oldText, bOld) || hashFollows(newText, bNew)) && !(blankRange(oldText, a, bOld) && blankRange(newText, a, bNew))) return undefined;
  // copied by one segment that also copied the character before it (text inserted right after a directive
  // line, a line comment or an invocation could belong to that)
  const sg = record.segs;
  let k = -1;
  for (let j = 0; j < sg.out.length; j++) {
    if (sg.file[j] !== fi || sg.kind[j] !== SEG_VERBATIM || bOld > sg.fe[j]) continue;
    if (sg.fs[j] < a || sg.fs[j] === 0) { if (sg.fs[j] <= a) k = j; break; }
  }
  if (k < 0) return undefined;
  // literals end at the end of their line: from the start of the line (or of the segment, after a directive
  // or an invocation), both versions must reach the end of the edit in the same state (in or out of a literal)
  const s0 = Math.max(oldText.lastIndexOf('\n', a - 1) + 1, sg.fs[k]);
  const qOld = quoteState(oldText, s0, bOld);
  if (qOld < 0 || qOld !== quoteState(newText, s0, bNew)) return undefined;
  // a '(' at the start of the new text must not open an invocation of a function-like macro named before it
  const before = identifierBefore(record.result.text, sg.out[k] + (a - sg.fs[k]));
  if (before && record.functionLike.has(before)) return undefined;
  return { seg: k, at: sg.out[k] + (p - sg.fs[k]), removed: oldEnd - p, inserted: newText.slice(p, newEnd) };
}

/**
 * The result of preprocessing `record.result.root` again after one edit of plain text or of a comment, or
 * undefined when the change is not one (see the header). Returns the record for the next keystroke with it.
 */
export function reprocessEdit(record: RunRecord, host: IncrementalHost): { result: PreprocessResult; record: RunRecord; changed: string } | undefined {
  // 1. which file changed (exactly one), with the same includes resolving to the same files
  let changed: string | undefined;
  let oldText = '';
  let newText = '';
  for (const [path, text] of record.texts) {
    const r = host.read(path);
    if (!r.ok) return undefined;
    // (a text a note says was edited is not compared: see base/text.ts EditedText)
    if (!notedChange(text, r.text) && r.text === text) continue;
    if (changed !== undefined) return undefined;
    changed = path;
    oldText = text;
    newText = r.text;
  }
  if (changed === undefined || record.copies.get(changed) !== 1) return undefined;
  // an invocation of the file whose argument list ran to its end left its name unexpanded and the text after it copied
  // as usual: a ')' typed there closes that list (a full run sees it), so no edit of the file is replayed
  if (record.result.diagnostics.some((d) => d.file === changed && d.code === 'macro-error' && d.message.startsWith(UNTERMINATED_ARGS))) return undefined;
  for (let k = 0; k < record.resolutions.length; k++) {
    const x = record.resolutions[k];
    const found = host.resolve(x.req);
    if (found !== x.found) return undefined;
    if (found !== undefined && host.real(found) !== x.id) return undefined;
  }

  // 2. the edit: [p, oldEnd) of the old text became [p, newEnd) of the new
  const oldLen = oldText.length;
  const newLen = newText.length;
  const { p, s, view } = diffBounds(oldText, newText);
  // (the new text's reads: through its view when a note said what the edit put in)
  const reader: TextReader = view ?? newText;
  const oldEnd = oldLen - s;
  const newEnd = newLen - s;
  const d = newEnd - oldEnd;
  if (record.usedLine && countLines(oldText, p, oldEnd) !== countLines(reader, p, newEnd)) return undefined;

  // 3. how the output changes
  const fi = record.result.files.indexOf(changed);
  const sg = record.segs;
  const edit = commentEdit(sg, fi, oldText, newText, p, oldEnd, d) ?? directiveSpaceEdit(sg, fi, oldText, reader, p, oldEnd, newEnd) ??
    verbatimEdit(record, fi, oldText, reader, p, oldEnd, newEnd);
  if (!edit) return undefined;

  // 4. the new result: the output with the edit applied, positions in the edited file after it moved
  const shift = new Shift(changed, p, oldEnd, d);
  const od = edit.inserted.length - edit.removed;
  if (record.result.text.length + od > MAX_OUTPUT) return undefined; // a full run stops with its diagnostic
  const prev = record.result;
  // a same-length edit (a digit replaced) moves no position: the last run's maps stay, only checked for an overlap
  const moved = d === 0
    ? (shift.touchesAny(prev, record.table) ? undefined : { segs: sg, uses: prev.macroUses, diagnostics: prev.diagnostics, includes: prev.includes, inactiveRanges: prev.inactiveRanges, table: record.table })
    : moveAfter(record, edit, shift, fi, od);
  if (!moved) return undefined;
  const { segs, uses, table } = moved;
  const prevOut = prev.text;
  const text = od === 0 && edit.removed === 0 ? prevOut : prevOut.slice(0, edit.at) + edit.inserted + prevOut.slice(edit.at + edit.removed);
  // (the parse's diff of the two outputs starts from this edit: base/text.ts diffBounds)
  noteEdit(prevOut, text, edit.at, edit.removed, edit.inserted);
  const macros = definitionsOf(table);
  const result: PreprocessResult = {
    root: prev.root,
    text,
    map: new SourceMapImpl(text.length, prev.files, segs, uses, prev.root),
    diagnostics: moved.diagnostics,
    includes: moved.includes,
    files: prev.files,
    get macros(): Map<string, MacroDefinition> { return macros(); },
    macroUses: uses,
    inactiveRanges: moved.inactiveRanges,
  };
  if (view) result.edited = { file: changed, view };
  const texts = new Map(record.texts);
  texts.set(changed, newText);
  return { result, record: { ...record, result, segs, texts, table }, changed };
}

/**
 * The last run's segments, macro uses, diagnostics, includes, inactive ranges and macro table with the positions
 * of the edited file after the edit moved (`shift`), or undefined when one of them overlaps the edited text.
 */
function moveAfter(record: RunRecord, edit: OutputEdit, shift: Shift, fi: number, od: number): {
  segs: Segments; uses: MacroUse[]; diagnostics: Diagnostic[]; includes: IncludeDirective[]; inactiveRanges: FileRange[]; table: Map<string, Macro>;
} | undefined {
  const prev = record.result;
  const sg = record.segs;
  const { d, oldEnd } = shift;
  const n = sg.out.length;
  const segs = new Segments();
  segs.file = sg.file;
  segs.kind = sg.kind;
  segs.use = sg.use;
  // (copies in V8's heap: the typed arrays they once were, ~40 KB each on a SoC board, were malloc'd a keystroke at a
  // time and freed whenever the collector swept them; glibc's main arena kept the holes: +6-14 MB of RSS after a few
  // hundred white-space keystrokes, in process and in the server, which a compacted heap does not keep)
  segs.out = od === 0 ? sg.out : sg.out.slice();
  segs.fs = sg.fs.slice();
  segs.fe = sg.fe.slice();
  for (let j = 0; j < n; j++) {
    if (od !== 0 && j > edit.seg) segs.out[j] += od;
    if (j === edit.seg) segs.fe[j] += d;
    else if (sg.file[j] === fi && sg.fs[j] >= oldEnd) { segs.fs[j] += d; segs.fe[j] += d; }
  }
  // (the uses are most of what moves: only those of the edited file after the edit are made again, field by field)
  const uses: MacroUse[] = new Array(prev.macroUses.length);
  for (let k = 0; k < uses.length; k++) {
    const u = prev.macroUses[k];
    const r = u.range;
    const def = u.definition;
    const loc = def?.location;
    if (shift.where(r) === Where.STAYS && shift.where(loc) === Where.STAYS) { uses[k] = u; continue; }
    const range = shift.fileRange(r);
    const definition = shift.definition(def);
    uses[k] = range === r && definition === def ? u : { name: u.name, range, expansion: u.expansion, definition };
  }
  const diagnostics = prev.diagnostics.map((x) => shift.diagnostic(x));
  const includes = prev.includes.map((inc) => {
    const range = shift.range(inc.range);
    return range === inc.range ? inc : { ...inc, range };
  });
  const inactiveRanges = prev.inactiveRanges.map((r) => shift.range(r));
  let table = record.table;
  let tableChanged = false;
  // (asked without making the moved definitions: a context's table holds thousands of macros, and making them for the
  // question allocated ~200 KB per keystroke; they are made below only when one moves)
  table.forEach((m) => {
    const w = shift.where(m.def?.location);
    if (w === Where.MOVES) tableChanged = true;
    else if (w === Where.TOUCHES) shift.overlap = true;
  });
  if (tableChanged) {
    const t = new Map<string, Macro>();
    record.table.forEach((m, name) => {
      const def = shift.definition(m.def)!;
      t.set(name, def === m.def ? m : withDefinition(m, def));
    });
    table = t;
  }
  return shift.overlap ? undefined : { segs, uses, diagnostics, includes, inactiveRanges, table };
}

function countLines(t: TextReader, a: number, b: number): number {
  let n = 0;
  for (let i = a; i < b; i++) if (t.charCodeAt(i) === 10) n++;
  return n;
}
