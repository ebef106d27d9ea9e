// Offsets <-> (line, character) in UTF-16 code units. Line ends: \n, \r\n and lone \r.

export interface Position { line: number; character: number }

export class LineIndex {
  private readonly starts: number[];
  constructor(readonly text: string) {
    const starts = [0];
    if (text.indexOf('\r') < 0) {
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

/** Length of the longest common prefix of a and b (blocks compared as slices first: fast on long texts). */
export function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  const B = 2048;
  let i = 0;
  while (i + B <= n && a.slice(i, i + B) === b.slice(i, i + B)) i += B;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** Length of the longest common suffix of a and b, at most max. */
export function commonSuffix(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  const B = 2048;
  let s = 0;
  while (s + B <= max && a.slice(la - s - B, la - s) === b.slice(lb - s - B, lb - s)) s += B;
  while (s < max && a.charCodeAt(la - 1 - s) === b.charCodeAt(lb - 1 - s)) s++;
  return s;
}
