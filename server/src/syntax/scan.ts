// Fast character scanners used around the peggy parser:
// - splitStatements: top-level statement boundaries (string/char/comment aware),
// - errorRegion: the body item that holds a syntax error, for recovery,
// - small helpers for messages.
// All of them skip the same whitespace/comments as the grammar's `_` rule.

const SLASH = 47;
const STAR = 42;
const NL = 10;
const QUOTE = 34;
const APOS = 39;
const BACKSLASH = 92;
const LBRACE = 123;
const RBRACE = 125;
const SEMI = 59;
const AMP = 38;

export function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** dtc PROPNODECHAR: [a-zA-Z0-9,._+*#?@-] */
export function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    c === 44 || c === 46 || c === 95 || c === 43 || c === 42 || c === 35 || c === 63 || c === 64 || c === 45;
}

function isLabelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isPathChar(c: number): boolean {
  return isNameChar(c) || c === SLASH;
}

/**
 * dtc accepts cpp line markers at the start of a line anywhere:
 * `#line N "file"` or `# N "file" [flags]`. Returns the end of the marker
 * (before the line break) when one starts at i, else -1.
 */
export function lineMarkerEnd(t: string, i: number, end: number = t.length): number {
  if (t.charCodeAt(i) !== 35 /* # */ || (i > 0 && t.charCodeAt(i - 1) !== NL)) return -1;
  let j = i + 1;
  if (t.startsWith('line', j)) j += 4;
  const blanks = (): boolean => {
    const k = j;
    while (j < end && (t.charCodeAt(j) === 32 || t.charCodeAt(j) === 9)) j++;
    return j > k;
  };
  const digits = (): boolean => {
    const k = j;
    while (j < end && t.charCodeAt(j) >= 48 && t.charCodeAt(j) <= 57) j++;
    return j > k;
  };
  if (!blanks() || !digits() || !blanks() || t.charCodeAt(j) !== QUOTE) return -1;
  j++;
  while (j < end) {
    const d = t.charCodeAt(j);
    if (d === NL) return -1;
    if (d === BACKSLASH) j += 2;
    else if (d === QUOTE) break;
    else j++;
  }
  if (j >= end) return -1;
  j++;
  for (;;) {
    const k = j;
    if (!blanks() || !digits()) { j = k; break; }
  }
  return j;
}

/** Skips whitespace and comments (and line markers) from i; returns the index of the next token (or end). */
export function skipTrivia(t: string, i: number, end: number = t.length): number {
  while (i < end) {
    const c = t.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    if (c === 35) {
      const e = lineMarkerEnd(t, i, end);
      if (e > 0) { i = e; continue; }
    }
    if (c === SLASH && i + 1 < end) {
      const d = t.charCodeAt(i + 1);
      if (d === STAR) {
        const e = t.indexOf('*/', i + 2);
        i = e < 0 || e + 2 > end ? end : e + 2;
        continue;
      }
      if (d === SLASH) {
        const e = t.indexOf('\n', i + 2);
        i = e < 0 || e > end ? end : e;
        continue;
      }
    }
    break;
  }
  return i;
}

/** For a unit found by skipUnit at i: is it a comment or line marker (not a token)? */
function isTriviaStart(t: string, i: number, c: number): boolean {
  return c === 35 || (c === SLASH && (t.charCodeAt(i + 1) === STAR || t.charCodeAt(i + 1) === SLASH));
}

/**
 * If a token that must be skipped as a unit (string, char literal, comment,
 * &{path}) starts at i, returns its end; otherwise -1.
 */
function skipUnit(t: string, i: number, end: number): number {
  const c = t.charCodeAt(i);
  if (c === QUOTE) {
    // dtc strings may span lines, but an unterminated string would swallow the
    // rest of the file: a string with no closing quote on its line that runs
    // into a line which can only start a top-level statement ends there
    let j = i + 1;
    let firstNl = -1;
    while (j < end) {
      const d = t.charCodeAt(j);
      if (d === BACKSLASH) j += 2;
      else if (d === QUOTE) return j + 1;
      else {
        if (d === NL) {
          if (firstNl < 0) firstNl = j;
          if (j + 1 < end && looksLikeTopLevelStart(t, j + 1, end)) return firstNl;
        }
        j++;
      }
    }
    return firstNl >= 0 ? firstNl : end;
  }
  if (c === APOS) {
    // char literal on one line; a lone quote is a single character
    let j = i + 1;
    while (j < end) {
      const d = t.charCodeAt(j);
      if (d === NL) return i + 1;
      if (d === BACKSLASH) j += 2;
      else if (d === APOS) return j + 1;
      else j++;
    }
    return i + 1;
  }
  if (c === SLASH && i + 1 < end) {
    const d = t.charCodeAt(i + 1);
    if (d === STAR) {
      const e = t.indexOf('*/', i + 2);
      return e < 0 || e + 2 > end ? end : e + 2;
    }
    if (d === SLASH) {
      const e = t.indexOf('\n', i + 2);
      return e < 0 || e > end ? end : e;
    }
  }
  if (c === 35 /* # */) {
    const e = lineMarkerEnd(t, i, end);
    if (e > 0) return e;
  }
  if (c === AMP && i + 1 < end && t.charCodeAt(i + 1) === LBRACE) {
    let j = i + 2;
    while (j < end && isPathChar(t.charCodeAt(j))) j++;
    if (j < end && t.charCodeAt(j) === RBRACE) return j + 1;
  }
  return -1;
}

/**
 * A line that starts (column 0) with something only valid at the top level:
 * '&label {', '&{path} {', 'label: &', '/ {', '/dts-v1/', '/memreserve/',
 * '/plugin/', '/delete-node/ &', '/omit-if-no-ref/ &'. Used to end a statement
 * whose braces are unbalanced.
 */
export function looksLikeTopLevelStart(t: string, i: number, end: number): boolean {
  const c = t.charCodeAt(i);
  const spaceThen = (j: number, ch: number): boolean => {
    while (j < end && isSpace(t.charCodeAt(j))) j++;
    return j < end && t.charCodeAt(j) === ch;
  };
  if (c === AMP) {
    let j = i + 1;
    if (j < end && t.charCodeAt(j) === LBRACE) {
      const e = skipUnit(t, i, end);
      return e > 0 && spaceThen(e, LBRACE);
    }
    while (j < end && isLabelChar(t.charCodeAt(j))) j++;
    return j > i + 1 && spaceThen(j, LBRACE);
  }
  if (c === SLASH) {
    if (spaceThen(i + 1, LBRACE)) return true;
    return t.startsWith('/dts-v1/', i) || t.startsWith('/memreserve/', i) || t.startsWith('/plugin/', i) ||
      (t.startsWith('/delete-node/', i) && spaceThen(i + 13, AMP)) ||
      (t.startsWith('/omit-if-no-ref/', i) && spaceThen(i + 16, AMP));
  }
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95) {
    let j = i + 1;
    while (j < end && isLabelChar(t.charCodeAt(j))) j++;
    return j < end && t.charCodeAt(j) === 58 /* : */ && spaceThen(j + 1, AMP);
  }
  return false;
}

/**
 * Splits text into top-level statements: returns a flat array
 * [start0, end0, start1, end1, ...]. A statement starts at its first token and
 * ends after the ';' at brace depth 0 (or at the last token before a line that
 * can only start a new top-level statement, or at the end of the text).
 */
export function splitStatements(t: string): number[] {
  const out: number[] = [];
  const n = t.length;
  let i = skipTrivia(t, 0, n);
  while (i < n) {
    const r = statementEnd(t, i, n);
    const end = r < 0 ? ~r : r;
    out.push(i, end);
    i = skipTrivia(t, end, n);
  }
  return out;
}

/**
 * Where the statement that starts at `start` ends (see splitStatements): after its ';' at brace depth 0, or, as
 * `~end`, at the last token before a line that can only start a new top-level statement or at the end of the text.
 */
function statementEnd(t: string, start: number, n: number): number {
  let i = start;
  let depth = 0;
  let lastEnd = i;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    const u = skipUnit(t, i, n);
    if (u >= 0) {
      if (!isTriviaStart(t, i, c)) lastEnd = u;
      i = u;
      continue;
    }
    if (depth > 0 && i > start && t.charCodeAt(i - 1) === NL && looksLikeTopLevelStart(t, i, n)) return ~lastEnd;
    i++;
    lastEnd = i;
    if (c === LBRACE) depth++;
    else if (c === RBRACE) { if (depth > 0) depth--; }
    else if (c === SEMI && depth === 0) return i;
  }
  return ~lastEnd;
}

/**
 * Is t (no white space around it) exactly one top-level statement ended by its ';' at brace depth 0? The scan of a
 * text with t in it, started where t starts, then ends that statement where t ends, whatever follows.
 */
export function isOneStatement(t: string): boolean {
  return t.length > 0 && skipTrivia(t, 0, t.length) === 0 && statementEnd(t, 0, t.length) === t.length;
}

/** True when the whitespace/comments just before p contain a line break. */
export function newlineBefore(t: string, p: number): boolean {
  // walk back over the trivia between the previous token and p
  let i = 0;
  let prevEnd = 0;
  // find the start of trivia before p cheaply: scan backwards over plain whitespace,
  // fall back to a forward scan when a comment might be involved
  let j = p - 1;
  while (j >= 0 && isSpace(t.charCodeAt(j))) {
    if (t.charCodeAt(j) === NL) return true;
    j--;
  }
  if (j < 0) return false;
  if (t.charCodeAt(j) !== SLASH) return false;
  // possibly the end of a comment: forward scan
  while (i < p) {
    const k = skipTrivia(t, i, p);
    if (k >= p) return t.slice(prevEnd, p).includes('\n');
    const u = skipUnit(t, k, p);
    i = u > k ? u : k + 1;
    prevEnd = i;
  }
  return false;
}

/**
 * The region to skip for a syntax error at p: the item of the innermost body
 * holding p, from its first token to the ';' that ends it (included) or to the
 * '}' that closes the body (excluded). At depth 0 this is the whole statement.
 */
export function errorRegion(t: string, p: number, vsemi?: ReadonlySet<number>): { start: number; end: number } {
  const n = t.length;
  const itemStart: number[] = [-1];
  let depth = 0;
  let i = 0;
  while (i < p) {
    const c = t.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    if (vsemi !== undefined && vsemi.has(i)) itemStart[depth] = -1;
    const u = skipUnit(t, i, n);
    const isComment = u >= 0 && isTriviaStart(t, i, c);
    if (u >= 0 && isComment) { i = u; continue; }
    if (u > p) break; // a unit that holds p (e.g. an unterminated string)
    if (c === LBRACE && u < 0) {
      if (itemStart[depth] < 0) itemStart[depth] = i;
      depth++;
      itemStart[depth] = -1;
      i++;
      continue;
    }
    if (c === RBRACE) {
      if (depth > 0) depth--;
      i++;
      continue;
    }
    if (c === SEMI) {
      itemStart[depth] = -1;
      i++;
      continue;
    }
    if (itemStart[depth] < 0) itemStart[depth] = i;
    i = u >= 0 ? u : i + 1;
  }
  let start = itemStart[depth];
  if (start < 0 || start > p) start = Math.min(p, n);
  // an item cut off at a line break (`vendor,prop =` typed above the next property or node): the failure is on a
  // later line than the item's start, which reads as an item of its own (`i2c0: i2c@980000 {`, whose label was
  // taken for a value's); the skipped text ends with the line before, and that line's item is parsed as written
  // rather than swallowed up to the next ';'. A value continued on that line (`FOO_SIZE>;`) is skipped as before
  if (start < p && p < n) {
    const lineStart = t.lastIndexOf('\n', p - 1) + 1;
    let tok = lineStart;
    while (tok < p && isSpace(t.charCodeAt(tok))) tok++;
    let e = lineStart;
    while (e > start && isSpace(t.charCodeAt(e - 1))) e--;
    // (not when the line starts inside a comment that ends before p: looked for on that line only)
    const close = t.slice(tok, p + 1).indexOf('*/');
    const inComment = close >= 0 && close < p - tok;
    // (after a line ending in ',', which continues a list of values, only a node's header: `FOO;` may be a value)
    const item = lineStart > start && e > start && !inComment ? looksLikeItem(t, tok) : undefined;
    if (item === 'node' || (item === 'property' && t.charCodeAt(e - 1) !== 44)) return { start, end: e };
  }
  // forward: to the ';' ending the item or the '}' closing its body
  let rel = 0;
  let lastEnd = p;
  i = p;
  while (i < n) {
    const c = t.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    const u = skipUnit(t, i, n);
    if (u >= 0) {
      if (!isTriviaStart(t, i, c)) lastEnd = u;
      i = u;
      continue;
    }
    if (c === LBRACE) rel++;
    else if (c === RBRACE) {
      if (rel === 0) {
        if (depth === 0) { i++; lastEnd = i; continue; } // stray '}' at top level: skip it
        const e = lastEnd > start ? Math.min(lastEnd, i) : i;
        return { start, end: e > start ? e : i + 1 };
      }
      rel--;
    } else if (c === SEMI && rel === 0) {
      return { start, end: i + 1 };
    }
    i++;
    lastEnd = i;
  }
  return { start, end: Math.min(n, Math.max(lastEnd, start + 1)) };
}

/**
 * Does the text at i read as the start of a body item: labels (`name:`), then a name followed by `{` (a node), `=` or `;`
 * (a property), or a `/delete-…/` directive? (A continuation of a value, `FOO_SIZE>;` or `<&gcc 2>`, does not.)
 */
function looksLikeItem(t: string, i: number): 'node' | 'property' | undefined {
  const n = t.length;
  if (t.startsWith('/delete-', i)) return 'property';
  for (let guard = 0; guard < 8; guard++) {
    const a = i;
    // (a label's characters are name characters too)
    while (i < n && isNameChar(t.charCodeAt(i))) i++;
    if (i === a) return undefined;
    while (i < n && (t.charCodeAt(i) === 32 || t.charCodeAt(i) === 9)) i++;
    const c = t.charCodeAt(i);
    if (c === 58 /* : */) { i++; while (i < n && isSpace(t.charCodeAt(i))) i++; continue; }
    return c === LBRACE ? 'node' : c === 61 /* = */ || c === SEMI ? 'property' : undefined;
  }
  return undefined;
}

/** skipUnit for the parser's item splitter (parse.ts): the end of a string, char literal, comment or &{path} at i, else -1. */
export function skipUnitAt(t: string, i: number, end: number): number {
  return skipUnit(t, i, end);
}
