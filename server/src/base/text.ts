// Offsets <-> (line, character) in UTF-16 code units. Line ends: \n, \r\n and lone \r.

export interface Position { line: number; character: number }

export class LineIndex {
  private readonly starts: number[];
  /** the text holds a carriage return */
  private readonly cr: boolean;
  constructor(readonly text: string, made?: { starts: number[]; cr: boolean }) {
    if (made) {
      this.starts = made.starts;
      this.cr = made.cr;
      return;
    }
    const starts = [0];
    this.cr = text.indexOf('\r') >= 0;
    if (!this.cr) {
      // (no CR: the line feeds found by indexOf, a native search; a loop over the characters of a 150 KB .dtsi
      // took ~2 ms of a cold dts-check run in the interpreter)
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    } else {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 10) starts.push(i + 1);
        else if (c === 13) {
          if (text.charCodeAt(i + 1) === 10) i++;
          starts.push(i + 1);
        }
      }
    }
    this.starts = starts;
  }
  /**
   * The index of the text one edit made from this one's (its view: the new text is not read, see EditedText): the line
   * starts before the edit kept, those after it moved, the inserted text's added. Undefined when a carriage return is
   * in either (a CR LF pair the edit splits or makes): the caller indexes the new text.
   */
  afterEdit(view: EditedText): LineIndex | undefined {
    if (this.cr || view.base !== this.text || view.inserted.indexOf('\r') >= 0) return undefined;
    const { at, removed, inserted } = view;
    const d = inserted.length - removed;
    const old = this.starts;
    // (a line start s follows the line feed at s - 1) the starts up to the edit are kept, those after the removed text
    // move; the array is made at its final length (it is a keystroke's: grown by push, a 6,000-line .dtsi's index
    // allocated twice its size)
    const k0 = startsUpTo(old, at);
    const k1 = startsUpTo(old, at + removed);
    let added = 0;
    for (let j = inserted.indexOf('\n'); j >= 0; j = inserted.indexOf('\n', j + 1)) added++;
    const n = k0 + added + old.length - k1;
    // (V8 makes an array asked for at more than ~100,000 elements a dictionary: such a one grows as it is written)
    const starts: number[] = n <= 50_000 ? new Array<number>(n) : [];
    let w = 0;
    for (let k = 0; k < k0; k++) starts[w++] = old[k];
    for (let j = inserted.indexOf('\n'); j >= 0; j = inserted.indexOf('\n', j + 1)) starts[w++] = at + j + 1;
    for (let k = k1; k < old.length; k++) starts[w++] = old[k] + d;
    return new LineIndex(view.text, { starts, cr: false });
  }
  get lineCount(): number { return this.starts.length; }
  positionAt(offset: number): Position {
    offset = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const lineStart = this.starts[pos.line];
    const nextStart = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length;
    // do not step past the line end characters
    let lineEnd = nextStart;
    while (lineEnd > lineStart && (this.text.charCodeAt(lineEnd - 1) === 10 || this.text.charCodeAt(lineEnd - 1) === 13)) lineEnd--;
    return Math.min(lineStart + Math.max(0, pos.character), lineEnd);
  }
}

/** How many of the ascending `starts` are <= o. */
function startsUpTo(starts: number[], o: number): number {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= o) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * A copy of s that keeps no reference to a larger string. V8 represents a slice (substring) of 13 or
 * more characters as a view into its parent, so a cached slice of one statement, or a name the parser
 * cut from it, keeps the whole preprocessed text it came from alive: over an editing session every
 * edited version of a board's text stayed in memory through the cache entries of its edited statements.
 * Prepending a character makes a concatenation that the slice flattens into a new string of its own.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * A string built by concatenation is a rope (one ~32-byte node per piece) until V8 flattens it; one kept for
 * long is worth a flat copy (a short one comes back as a new flat string, a long one as a view of one).
 */
export function flatten(s: string): string {
  return (' ' + s).slice(1);
}

/**
 * Length of the longest common prefix of a and b (blocks compared as slices first: fast on long texts); `from`: the
 * first characters already known equal.
 */
export function commonPrefix(a: string, b: TextReader, from = 0): number {
  const n = Math.min(a.length, b.length);
  const B = 2048;
  let i = Math.min(from, n);
  while (i + B <= n && a.slice(i, i + B) === b.slice(i, i + B)) i += B;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the longest common suffix of a and b, at most max; `from`: the last characters already known equal. */
export function commonSuffix(a: string, b: TextReader, max: number, from = 0): number {
  const la = a.length;
  const lb = b.length;
  const B = 2048;
  let s = Math.min(from, max);
  while (s + B <= max && a.slice(la - s - B, la - s) === b.slice(lb - s - B, lb - s)) s += B;
  while (s < max && a.charCodeAt(la - 1 - s) === b.charCodeAt(lb - 1 - s)) s++;
  return s;
}

/**
 * Where two versions of a text differ, told by whoever made one from the other: the language server's documents (a
 * keystroke's change) and the preprocessor's output (the edit it applied). A diff of the two texts (diffBounds) then
 * starts from what is known equal instead of comparing whole texts (two scans of a 150 KB .dtsi and of the board's
 * preprocessed text on every keystroke). A note only speeds the diff up: diffBounds gives what the full comparison gives.
 */
interface NotedEdit {
  from: string;
  to: string;
  /** characters known equal at the start and at the end of the two texts */
  prefix: number;
  suffix: number;
  /** `to`'s characters between the two, when the one who made it said (see EditedText) */
  inserted?: string;
}

/** the last few notes (a diff takes the notes it used away; the others go as new ones come) */
const notedEdits: NotedEdit[] = [];
const MAX_NOTED_EDITS = 4;

/**
 * `to` is `from` with [at, at + removed) replaced (by anything; by `inserted` when given, which must then be exactly
 * what is there in `to`). With `inserted`, `to` is not read here, nor by a diff from `from` that the note answers
 * (see EditedText).
 */
export function noteEdit(from: string, to: string, at: number, removed: number, inserted?: string): void {
  if (inserted !== undefined && to.length !== from.length - removed + inserted.length) inserted = undefined;
  if (inserted !== undefined ? inserted.length === removed && from.startsWith(inserted, at) : from === to) return;
  if (notedEdits.length >= MAX_NOTED_EDITS) notedEdits.shift();
  notedEdits.push({ from, to, prefix: at, suffix: from.length - at - removed, inserted });
}

/** Forget every note (tests). */
export function forgetEdits(): void {
  notedEdits.length = 0;
}

/** How many notes are kept (tests). */
export function notedEditCount(): number {
  return notedEdits.length;
}

/**
 * Does a note say that `b` was made from `a` by an edit (so that the two differ)? Neither text is read when `b` is the
 * newest note's own string and `a` the one it was made from (a keystroke's texts); a diff reads them then.
 */
export function notedChange(a: string, b: string): boolean {
  const k = notedTo(b);
  return k >= 0 && notedEdits[k].from.length === a.length && notedEdits[k].from === a;
}

/**
 * Might t hold a carriage return? When a note says t was made from a text by putting `inserted` in, only those two are
 * looked at (t, a keystroke's text, is not read: see EditedText).
 */
export function mayHoldCR(t: string): boolean {
  const k = notedTo(t);
  const e = k >= 0 ? notedEdits[k] : undefined;
  if (e?.inserted !== undefined) return e.inserted.indexOf('\r') >= 0 || e.from.indexOf('\r') >= 0;
  return t.indexOf('\r') >= 0;
}

/**
 * s === t, where t, when a note says how it was made from another text and what was put in, is read from that note
 * (t, a keystroke's text, is not read: see EditedText).
 */
export function sameString(s: string, t: string): boolean {
  if (s.length !== t.length) return false;
  const k = notedTo(t);
  const view = k >= 0 ? noteView(notedEdits[k]) : undefined;
  return view ? view.sameAs(s) : s === t;
}

/** The view of a note's new text, when the note says what was put in. */
function noteView(e: NotedEdit): EditedText | undefined {
  return e.inserted === undefined ? undefined : new EditedText(e.from, e.to, e.prefix, e.from.length - e.prefix - e.suffix, e.inserted);
}

/** What a diff reads of a text: a string, or the view of an edited one (EditedText). */
export interface TextReader {
  readonly length: number;
  charCodeAt(i: number): number;
  slice(a: number, b: number): string;
}

function notedTo(text: string): number {
  for (let k = notedEdits.length - 1; k >= 0; k--) {
    const e = notedEdits[k];
    if (e.to.length === text.length && e.to === text) return k;
  }
  return -1;
}

/**
 * The common prefix `p` of a and b, and their common suffix `s` in what is left (at most min(|a|, |b|) - p): what
 * commonPrefix(a, b) and commonSuffix(a, b, min - p) give. Noted edits that lead from a to b (one, or a chain of them)
 * give the part known equal; only the rest is compared.
 */
export function diffBounds(a: string, b: string): { p: number; s: number; view?: EditedText } {
  const n = Math.min(a.length, b.length);
  let known: { prefix: number; suffix: number } | undefined;
  let view: EditedText | undefined;
  // (a chain of notes, newest first: b came from x, x from y, ... until a)
  const used: number[] = [];
  for (let cur = b, prefix = Infinity, suffix = Infinity; used.length < MAX_NOTED_EDITS; ) {
    const k = notedTo(cur);
    if (k < 0 || used.includes(k)) break;
    const e = notedEdits[k];
    used.push(k);
    prefix = Math.min(prefix, e.prefix);
    suffix = Math.min(suffix, e.suffix);
    if (e.from.length === a.length && e.from === a) {
      known = { prefix, suffix };
      // one note that says what was put in: b's characters are read from a and that, b itself is never read
      if (used.length === 1) view = noteView(e);
      break;
    }
    cur = e.from;
  }
  // the texts the notes led through are of no more use: the next diff starts from b
  if (known) for (const k of used.sort((x, y) => y - x)) notedEdits.splice(k, 1);
  // (b's characters taken from its view when there is one)
  const p = commonPrefix(a, view ?? b, known?.prefix);
  const s = commonSuffix(a, view ?? b, n - p, known?.suffix);
  return view ? { p, s, view } : { p, s };
}

/**
 * A text made from `base` by one edit, [at, at + removed) replaced by `inserted`, read from those two: `text`, the
 * string that edit made, is not read. A string built by concatenation is flattened by V8 at its first read, and one
 * of more than 128 KB (a SoC .dtsi, a board's preprocessed text) is then copied into memory mapped afresh for it,
 * every page of which costs a page fault at first touch (~0.5-0.7 ms for 170-213 KB on the VMs measured, against
 * ~0.05 ms for the characters around an edit). A keystroke's analysis reads the new texts through their views, and
 * the language server has them flattened once the diagnostics are out (`flattenNow`).
 */
export class EditedText {
  readonly length: number;
  private readonly d: number;
  constructor(readonly base: string, readonly text: string, readonly at: number, readonly removed: number, readonly inserted: string) {
    this.d = inserted.length - removed;
    this.length = base.length + this.d;
  }

  /** what text.charCodeAt(i) gives (NaN outside the text) */
  charCodeAt(i: number): number {
    if (i < this.at) return i >= 0 ? this.base.charCodeAt(i) : NaN;
    const j = i - this.at;
    if (j < this.inserted.length) return this.inserted.charCodeAt(j);
    return i < this.length ? this.base.charCodeAt(i - this.d) : NaN;
  }

  /** what text.slice(a, b) gives, for 0 <= a <= b <= length */
  slice(a: number, b: number): string {
    const at = this.at;
    const end = at + this.inserted.length;
    if (b <= at) return this.base.slice(a, b);
    if (a >= end) return this.base.slice(a - this.d, b - this.d);
    let out = a < at ? this.base.slice(a, at) : '';
    out += this.inserted.slice(Math.max(a, at) - at, Math.min(b, end) - at);
    if (b > end) out += this.base.slice(end - this.d, b - this.d);
    return out;
  }

  /** s === text, s compared with the old text's parts and the inserted one */
  sameAs(s: string): boolean {
    const { at, inserted } = this;
    const n = inserted.length;
    return s.length === this.length && s.slice(0, at) === this.base.slice(0, at) && s.slice(at, at + n) === inserted &&
      s.slice(at + n) === this.base.slice(at + this.removed);
  }
}

/** V8 flattens a string built by concatenation at its first read (in place: every holder then reads the flat copy). */
export function flattenNow(s: string): void {
  if (s.length > 0) s.charCodeAt(0);
}
