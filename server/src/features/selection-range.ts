// Selection range (expand / shrink selection): from the token at the cursor out through the
// < > or [ ] group, the property value, the statement, the node body, the whole node, and so on
// up to the file. Works on the text as written (the formatter's tokens), so it follows macros,
// comments and preprocessor lines as the user sees them.
import { lex, type Tok } from '../format/lexer';

export interface Span {
  start: number;
  end: number;
}

const isP = (t: Tok | undefined, s: string) => !!t && t.kind === 'punct' && t.text === s;

/** For each offset, the ranges around it, innermost first, each containing the one before. */
export function getSelectionRanges(text: string, offsets: number[]): Span[][] {
  const { toks } = lex(text);
  return offsets.map((o) => chainAt(text, toks, o));
}

function chainAt(text: string, toks: Tok[], offset: number): Span[] {
  const out: Span[] = [];
  const add = (s: number, e: number) => {
    if (e <= s || s > offset || e < offset) return;
    out.push({ start: s, end: e });
  };
  // the token at the offset (or just before it)
  const ti = toks.findIndex((t) => t.start <= offset && offset <= t.end);
  if (ti >= 0) add(toks[ti].start, toks[ti].end);
  // one pass: statements, brackets, braces
  interface Frame { open: number; stmtStart: number }
  const braces: Frame[] = [];
  let stmtStart = -1;
  let eq = -1;
  const brackets: number[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t.kind === 'directive' || t.kind === 'line-comment' || t.kind === 'block-comment') continue;
    if (stmtStart < 0) { stmtStart = i; eq = -1; }
    if (t.kind !== 'punct') continue;
    switch (t.text) {
      case '=':
        if (!brackets.length) eq = i;
        break;
      case '<':
      case '[':
        brackets.push(i);
        break;
      case '>':
      case ']': {
        const o = brackets.pop();
        if (o !== undefined && toks[o].start <= offset && offset <= t.end) {
          if (o + 1 < i) add(toks[o + 1].start, toks[i - 1].end);
          add(toks[o].start, t.end);
        }
        break;
      }
      case ';': {
        if (brackets.length) break;
        if (stmtStart >= 0 && toks[stmtStart].start <= offset && offset <= t.end) {
          if (eq >= 0 && eq + 1 < i) add(toks[eq + 1].start, toks[i - 1].end);
          add(toks[stmtStart].start, t.end);
        }
        stmtStart = -1;
        break;
      }
      case '{':
        braces.push({ open: i, stmtStart });
        stmtStart = -1;
        brackets.length = 0;
        break;
      case '}': {
        const f = braces.pop();
        if (!f) break;
        if (toks[f.open].start <= offset && offset <= t.end) {
          if (f.open + 1 < i) add(toks[f.open + 1].start, toks[i - 1].end);
          const end = isP(toks[i + 1], ';') ? toks[i + 1].end : t.end;
          add(toks[f.stmtStart >= 0 ? f.stmtStart : f.open].start, end);
        }
        // the `;` after `}` closes the node statement
        stmtStart = isP(toks[i + 1], ';') ? -2 : -1;
        if (stmtStart === -2) { i++; stmtStart = -1; }
        brackets.length = 0;
        break;
      }
    }
  }
  add(0, text.length);
  out.sort((x, y) => x.end - x.start - (y.end - y.start) || y.start - x.start);
  const chain: Span[] = [];
  for (const r of out) {
    const last = chain[chain.length - 1];
    if (last && last.start === r.start && last.end === r.end) continue;
    if (last && !(r.start <= last.start && last.end <= r.end)) continue;
    chain.push(r);
  }
  return chain;
}
