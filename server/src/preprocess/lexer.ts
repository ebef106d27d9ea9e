// Character classes and token scanning shared by the preprocessor: C
// identifiers, pp-numbers, string/char literals (assembler mode: an
// unterminated quote runs to the end of the line as one "other" token),
// comments and punctuators. All scanning is charCodeAt based.

export const enum K {
  Ident = 0,
  Number = 1,
  String = 2,
  Char = 3,
  Punct = 4,
  Other = 5,
}

/** Hide set of a token (Prosser's algorithm): names that must not expand it again. */
export type HideSet = ReadonlySet<string> | null;

export interface Tok {
  t: string;
  k: K;
  /** preceded by whitespace */
  ws: boolean;
  /** offset in the file being scanned when the token was written there; -1 when synthesised */
  pos: number;
  hs: HideSet;
  /** check "would these two tokens paste" before this token (expansion boundary) */
  ap?: boolean;
  /** check paste after this token */
  apAfter?: boolean;
}

const CLASS = new Uint8Array(128);
export const C_ID_START = 1;
export const C_ID = 2;
export const C_DIGIT = 4;
export const C_HSPACE = 8;
for (let c = 0; c < 128; c++) {
  let v = 0;
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) v |= C_ID_START | C_ID;
  if (c >= 48 && c <= 57) v |= C_DIGIT | C_ID;
  if (c === 32 || c === 9 || c === 11 || c === 12 || c === 13) v |= C_HSPACE;
  CLASS[c] = v;
}

/** The names a directive line can have after '#' (anything else after '#' is text, e.g. `#address-cells`). */
export const DIRECTIVES: ReadonlySet<string> = new Set([
  'define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'elifdef', 'elifndef',
  'else', 'endif', 'error', 'warning', 'line', 'pragma', 'ident', 'sccs', 'assert', 'unassert',
]);

export function isIdStart(c: number): boolean { return c < 128 && (CLASS[c] & C_ID_START) !== 0; }
export function isIdChar(c: number): boolean { return c < 128 && (CLASS[c] & C_ID) !== 0; }
export function isDigit(c: number): boolean { return c >= 48 && c <= 57; }
/** space, tab, vertical tab, form feed, carriage return (not \n) */
export function isHSpace(c: number): boolean { return c < 128 && (CLASS[c] & C_HSPACE) !== 0; }

export function identEnd(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 128 && (CLASS[c] & C_ID) !== 0) i++; else break;
  }
  return i;
}

/** End of a pp-number starting at i (digit, or '.' followed by a digit). */
export function numberEnd(text: string, i: number, end: number): number {
  i++;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 128 && (CLASS[c] & C_ID) !== 0) {
      if ((c === 101 || c === 69 || c === 112 || c === 80) && i + 1 < end) {
        const d = text.charCodeAt(i + 1);
        if (d === 43 || d === 45) { i += 2; continue; }
      }
      i++;
    } else if (c === 46) i++;
    else break;
  }
  return i;
}

/** Kind of the last quote scan: String/Char when terminated, Other when it ran to the end of the line. */
export let lastQuoteKind: K = K.String;

/** End of a "..." or '...' literal starting at i. Unterminated: runs to the end of the line (assembler mode). */
export function quoteEnd(text: string, i: number, end: number): number {
  const q = text.charCodeAt(i);
  let j = i + 1;
  while (j < end) {
    const c = text.charCodeAt(j);
    if (c === q) { lastQuoteKind = q === 34 ? K.String : K.Char; return j + 1; }
    if (c === 92) {
      // backslash: escapes the next char; backslash-newline splices
      if (j + 1 < end) {
        const d = text.charCodeAt(j + 1);
        if (d === 13 && text.charCodeAt(j + 2) === 10) { j += 3; continue; }
        j += 2;
        continue;
      }
      j++;
      continue;
    }
    if (c === 10) break;
    j++;
  }
  lastQuoteKind = K.Other;
  // a trailing \r belongs to the line end
  if (j > i + 1 && j <= end && text.charCodeAt(j - 1) === 13 && j < end) return j - 1;
  return j;
}

/** End of a block comment starting at i ("/*"); -1 when unterminated. */
export function blockCommentEnd(text: string, i: number): number {
  const j = text.indexOf('*/', i + 2);
  return j < 0 ? -1 : j + 2;
}

/** End of a // comment starting at i: the position of the terminating newline (splices continue it). */
export function lineCommentEnd(text: string, i: number, end: number): number {
  let j = i;
  for (;;) {
    const nl = text.indexOf('\n', j);
    if (nl < 0 || nl >= end) return end;
    let k = nl - 1;
    if (k >= 0 && text.charCodeAt(k) === 13) k--;
    if (k >= i + 2 && text.charCodeAt(k) === 92) { j = nl + 1; continue; }
    return nl;
  }
}

const PUNCT3 = new Set(['...', '<<=', '>>=']);
const PUNCT2 = new Set(['##', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '->', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=']);

/** End of a punctuator starting at i. */
export function punctEnd(text: string, i: number, end: number): number {
  if (i + 3 <= end && PUNCT3.has(text.substr(i, 3))) return i + 3;
  if (i + 2 <= end && PUNCT2.has(text.substr(i, 2))) return i + 2;
  return i + 1;
}

export function isPunctChar(c: number): boolean {
  switch (c) {
    case 33: case 35: case 37: case 38: case 40: case 41: case 42: case 43: case 44: case 45: case 46: case 47:
    case 58: case 59: case 60: case 61: case 62: case 63: case 91: case 93: case 94: case 123: case 124: case 125: case 126:
      return true;
  }
  return false;
}

/**
 * Tokenise text[start, end) into preprocessing tokens. Comments count as
 * whitespace; newlines are whitespace (callers pass single logical lines or
 * macro argument text). `base` is added to positions (-1 positions when base < 0).
 */
export function tokenize(text: string, start: number, end: number, base: number): Tok[] {
  const out: Tok[] = [];
  let i = start;
  let ws = false;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 10 || isHSpace(c)) { ws = true; i++; continue; }
    if (c === 92 && (text.charCodeAt(i + 1) === 10 || (text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10))) {
      i += text.charCodeAt(i + 1) === 10 ? 2 : 3;
      continue;
    }
    if (c === 47) {
      const d = text.charCodeAt(i + 1);
      if (d === 42) {
        const e = blockCommentEnd(text, i);
        i = e < 0 || e > end ? end : e;
        ws = true;
        continue;
      }
      if (d === 47) { i = lineCommentEnd(text, i, end); ws = true; continue; }
    }
    let j: number;
    let k: K;
    if (isIdStart(c)) { j = identEnd(text, i + 1, end); k = K.Ident; }
    else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) { j = numberEnd(text, i, end); k = K.Number; }
    else if (c === 34 || c === 39) { j = quoteEnd(text, i, end); k = lastQuoteKind; }
    else if (isPunctChar(c)) { j = punctEnd(text, i, end); k = K.Punct; }
    else { j = i + 1; k = K.Other; }
    out.push({ t: text.slice(i, j), k, ws, pos: base < 0 ? -1 : base + i, hs: null });
    ws = false;
    i = j;
  }
  return out;
}

/** Classify a single token's text (used for ## results). Returns undefined when text is not exactly one token. */
export function classifySingle(t: string): K | undefined {
  if (t.length === 0) return undefined;
  const toks = tokenize(t, 0, t.length, -1);
  if (toks.length !== 1 || toks[0].t.length !== t.length) return undefined;
  return toks[0].k;
}

// ---- avoid-paste (whitespace cpp inserts between tokens that would otherwise lex as one) ----

const EQ_PASTERS = new Set(['=', '!', '>', '<', '+', '-', '*', '/', '%', '&', '|', '^', '>>', '<<']);

/** True when token a immediately followed by token b would be read as a different token sequence. */
export function wouldPaste(aText: string, aKind: K, bText: string, bKind: K): boolean {
  const c = bKind === K.Punct ? bText.charCodeAt(0) : -1;
  if (aKind === K.Punct) {
    if (c === 61 && EQ_PASTERS.has(aText)) return true;
    switch (aText) {
      case '>': return c === 62;
      case '<': return c === 60 || c === 37 || c === 58;
      case '+': return c === 43;
      case '-': return c === 45 || c === 62;
      case '/': return c === 47 || c === 42;
      case '%': return c === 58 || c === 37;
      case '&': return c === 38;
      case '|': return c === 124;
      case ':': return c === 58 || c === 62;
      case '->': return c === 42;
      case '.': return c === 46 || c === 37 || bKind === K.Number;
      case '#': return c === 35 || c === 37;
    }
    return false;
  }
  if (aKind === K.Ident) return bKind === K.Ident || bKind === K.Number || bKind === K.Char || bKind === K.String;
  if (aKind === K.Number) return bKind === K.Number || bKind === K.Ident || bKind === K.Char || c === 46 || c === 43 || c === 45;
  if (aKind === K.Other) return aText === '\\' && bKind === K.Ident;
  return false;
}

/** Kind and text of the token that ends at text[end) (best effort, for paste avoidance at expansion boundaries). */
export function tokenBefore(text: string, end: number): { t: string; k: K } | undefined {
  if (end <= 0) return undefined;
  const c = text.charCodeAt(end - 1);
  if (c === 10 || isHSpace(c)) return undefined;
  if (isIdChar(c) || c === 46) {
    let i = end - 1;
    while (i > 0) {
      const d = text.charCodeAt(i - 1);
      if (isIdChar(d) || d === 46) i--;
      else if ((d === 43 || d === 45) && i >= 2 && /[eEpP]/.test(text[i - 2])) i -= 2;
      else break;
    }
    // a run starting with a digit (or .digit) is a number; otherwise the identifier is the tail after the last '.'
    const first = text.charCodeAt(i);
    if (isDigit(first) || (first === 46 && isDigit(text.charCodeAt(i + 1)))) return { t: text.slice(i, end), k: K.Number };
    if (c === 46) return { t: '.', k: K.Punct };
    let s = end - 1;
    while (s > 0 && isIdChar(text.charCodeAt(s - 1))) s--;
    return { t: text.slice(s, end), k: isDigit(text.charCodeAt(s)) ? K.Number : K.Ident };
  }
  if (c === 34) return { t: '"', k: K.String };
  if (c === 39) return { t: "'", k: K.Char };
  if (isPunctChar(c)) {
    if (end >= 2) {
      const two = text.substr(end - 2, 2);
      if (PUNCT2.has(two)) return { t: two, k: K.Punct };
    }
    return { t: text[end - 1], k: K.Punct };
  }
  return { t: text[end - 1], k: K.Other };
}

/** Kind and text of the token that starts at text[i] (best effort). */
export function tokenAt(text: string, i: number, end: number): { t: string; k: K } | undefined {
  if (i >= end) return undefined;
  const c = text.charCodeAt(i);
  if (c === 10 || isHSpace(c)) return undefined;
  if (isIdStart(c)) return { t: text.slice(i, identEnd(text, i + 1, end)), k: K.Ident };
  if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) return { t: text.slice(i, numberEnd(text, i, end)), k: K.Number };
  if (c === 34) return { t: '"', k: K.String };
  if (c === 39) return { t: "'", k: K.Char };
  if (c === 47 && (text.charCodeAt(i + 1) === 42 || text.charCodeAt(i + 1) === 47)) return undefined; // comment = whitespace
  if (isPunctChar(c)) return { t: text.slice(i, punctEnd(text, i, end)), k: K.Punct };
  return { t: text[i], k: K.Other };
}
